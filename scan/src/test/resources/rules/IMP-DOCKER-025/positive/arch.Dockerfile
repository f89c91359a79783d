FROM archlinux:base-20240101.0.204074
# expect-next: IMP-DOCKER-025
RUN pacman -Sy --noconfirm
USER 10001
