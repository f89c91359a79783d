echo dckr_pat_DgNVL2S8A9N4U0L1pvj6EaNhg9z | docker login -u ci --password-stdin
