{{/* Stands in for kube-prometheus-stack/templates/_helpers.tpl */}}
{{- define "kps.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 26 | trimSuffix "-" }}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 26 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 26 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end }}
{{- define "kps.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
release: {{ .Release.Name | quote }}
heritage: {{ .Release.Service | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- define "kps.operator.labels" -}}
{{ include "kps.labels" . }}
app: {{ include "kps.fullname" . }}-operator
app.kubernetes.io/name: {{ include "kps.fullname" . }}-prometheus-operator
app.kubernetes.io/component: prometheus-operator
{{- end }}
{{- define "kps.admission.labels" -}}
{{ include "kps.labels" . }}
app.kubernetes.io/name: {{ include "kps.fullname" . }}-prometheus-operator
app.kubernetes.io/component: prometheus-operator-webhook
{{- end }}
{{/* registry/repository:tag[@sha] as the real chart builds image references */}}
{{- define "kps.image" -}}
{{- $registry := .root.Values.global.imageRegistry | default .image.registry -}}
{{- $tag := .image.tag | default .default -}}
{{- if .image.sha -}}{{ printf "%s/%s:%s@sha256:%s" $registry .image.repository $tag .image.sha }}{{- else -}}{{ printf "%s/%s:%s" $registry .image.repository $tag }}{{- end -}}
{{- end }}
{{- define "kps.sa" -}}
{{- if .values.serviceAccount.create -}}{{ default (printf "%s-%s" (include "kps.fullname" .root) .suffix) .values.serviceAccount.name }}{{- else -}}{{ default "default" .values.serviceAccount.name }}{{- end -}}
{{- end }}
{{/* a selector defaulting to release=<release> when the *NilUsesHelmValues flag is on */}}
{{- define "kps.selector" -}}
{{- if .sel -}}
{{ toYaml .sel }}
{{- else if .nilUsesHelm -}}
matchLabels:
  release: {{ .root.Release.Name | quote }}
{{- else -}}
{}
{{- end -}}
{{- end }}
{{- define "kps.antiAffinity" -}}
{{- if eq .mode "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
  - topologyKey: {{ .topologyKey }}
    labelSelector:
      matchExpressions:
      - {key: app.kubernetes.io/name, operator: In, values: [{{ .app }}]}
      - {key: {{ .key }}, operator: In, values: [{{ .name }}]}
{{- else if eq .mode "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
  - weight: 100
    podAffinityTerm:
      topologyKey: {{ .topologyKey }}
      labelSelector:
        matchExpressions:
        - {key: app.kubernetes.io/name, operator: In, values: [{{ .app }}]}
        - {key: {{ .key }}, operator: In, values: [{{ .name }}]}
{{- end }}
{{- end }}
