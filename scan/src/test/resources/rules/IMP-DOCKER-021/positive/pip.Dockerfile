FROM python:3.12
# expect-next: IMP-DOCKER-021
RUN pip install --trusted-host pypi.example requests==2.32.3
