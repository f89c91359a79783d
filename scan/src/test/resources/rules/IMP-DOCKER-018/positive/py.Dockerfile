FROM python:3.12
# expect-next: IMP-DOCKER-018
RUN python -m pip install requests
