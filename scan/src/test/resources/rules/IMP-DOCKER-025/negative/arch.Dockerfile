FROM archlinux:base-20240101.0.204074
RUN pacman -Sy --noconfirm curl && pacman -Scc --noconfirm
USER 10001
