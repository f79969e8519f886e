{{/* Stands in for istiod/templates/_helpers.tpl and the labels of zzz_profile.yaml. */}}
{{- define "istiod.rev" -}}{{ .Values.revision | default "default" }}{{- end }}
{{- define "istiod.suffix" -}}{{ if .Values.revision }}-{{ .Values.revision }}{{ end }}{{- end }}

{{- define "istiod.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: "istio"
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "istiod.image" -}}
{{- if contains "/" .Values.pilot.image -}}
{{ .Values.pilot.image }}
{{- else -}}
{{ .Values.pilot.hub | default .Values.global.hub }}/{{ .Values.pilot.image | default "pilot" }}:{{ .Values.pilot.tag | default .Values.global.tag }}{{ with (.Values.pilot.variant | default .Values.global.variant) }}-{{ . }}{{ end }}
{{- end -}}
{{- end }}
