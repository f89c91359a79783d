apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "shop.fullname" . }}-realm
data:
  SHOP_REALM: '{"realm": "shop", "clients": [{"clientId": "checkout", "secret": "Wd4nK8xR2vT6mQ9zP3bL7hJ5"}]}'
  REALM_URL: {{ .Values.keycloak.url | quote }}
