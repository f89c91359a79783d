FROM python:3.12
RUN python -m pip install requests
