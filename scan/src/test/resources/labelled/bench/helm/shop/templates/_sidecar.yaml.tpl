{{/*
A sidecar container that other templates include; it renders nothing here.
*/}}
{{- define "shop.sidecar" -}}
- name: metrics
  image: prom/statsd-exporter
  securityContext:
    privileged: true
  env:
    - name: STATSD_PASSWORD
      value: "Gantry-Hoist-58"
{{- end }}

{{- define "shop.sidecarVolumes" -}}
- name: metrics-config
  emptyDir: {}
{{- end }}
