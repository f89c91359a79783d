FROM ruby:3.3
# expect-next: IMP-DOCKER-018
RUN gem install rails
