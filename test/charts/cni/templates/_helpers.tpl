{{/* Stands in for istio-cni/templates/_helpers.tpl and the labels of zzz_profile.yaml */}}
{{- define "cni.labels" -}}
app.kubernetes.io/name: istio-cni
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: "istio"
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}
{{- define "cni.common" -}}
release: {{ .Release.Name }}
istio.io/rev: {{ .Values.revision | default "default" }}
install.operator.istio.io/owning-resource: unknown
operator.istio.io/component: "Cni"
{{ include "cni.labels" . }}
{{- end }}
