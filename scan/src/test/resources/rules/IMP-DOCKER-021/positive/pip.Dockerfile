FROM python:3.12
RUN pip install --trusted-host pypi.example requests==2.32.3
