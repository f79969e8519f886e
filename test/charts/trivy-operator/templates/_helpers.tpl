{{/* Stands in for trivy-operator/templates/_helpers.tpl */}}
{{- define "to.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "to.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end }}
{{- define "to.namespace" -}}{{ .Values.operator.namespace | default .Release.Namespace }}{{- end }}
{{- define "to.selectorLabels" -}}
app.kubernetes.io/name: {{ include "to.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "to.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{ include "to.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Values.managedBy }}
{{- end }}
{{- define "to.sa" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "to.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end }}
{{- define "to.registry" -}}{{ .Values.global.image.registry }}{{- end }}
