{{/* Stands in for gateway/templates/_helpers.tpl: name, selector labels, service account name. */}}
{{- define "gw.name" -}}
{{- .Values.name | default .Release.Name | default "istio-ingressgateway" -}}
{{- end }}

{{- define "gw.selectorLabels" -}}
app: {{ .Values.labels.app | default (include "gw.name" .) }}
istio: {{ .Values.labels.istio | default (include "gw.name" . | trimPrefix "istio-") }}
{{- end }}

{{- define "gw.labels" -}}
app.kubernetes.io/name: {{ include "gw.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: "istio"
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{ include "gw.selectorLabels" . }}
"istio.io/dataplane-mode": "none"
{{- range $key, $val := .Values.labels }}
{{- if and (ne $key "app") (ne $key "istio") }}
{{ $key | quote }}: {{ $val | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "gw.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "gw.name" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end }}
