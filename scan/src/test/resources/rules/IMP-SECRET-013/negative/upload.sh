curl -T f "https://acme.blob.core.windows.net/c/f?${SAS}"
