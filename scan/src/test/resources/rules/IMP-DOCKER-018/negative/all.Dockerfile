FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 musl-dev~1.2
RUN pip install requests==2.32.3 && pip install -r requirements.txt
RUN npm ci && npm install -g typescript@5.4.5
RUN go install golang.org/x/tools/gopls@v0.16.1
RUN gem install rails -v 7.1.3
RUN dnf install -y httpd-2.4.62 && zypper install -y nginx=1.21.5
