{{/* Stands in for vault/templates/_helpers.tpl */}}
{{- define "vault.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "vault.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end }}
{{- define "vault.namespace" -}}{{ .Values.global.namespace | default .Release.Namespace }}{{- end }}
{{- define "vault.serverEnabled" -}}
{{- if or (eq (.Values.server.enabled | toString) "true") (and (eq (.Values.server.enabled | toString) "-") .Values.global.enabled) -}}true{{- end -}}
{{- end }}
{{/* mode: dev, ha (raft or not), standalone */}}
{{- define "vault.mode" -}}
{{- if .Values.server.dev.enabled -}}dev
{{- else if .Values.server.ha.enabled -}}ha
{{- else if or (eq (.Values.server.standalone.enabled | toString) "-") (eq (.Values.server.standalone.enabled | toString) "true") -}}standalone
{{- else -}}external{{- end -}}
{{- end }}
{{- define "vault.replicas" -}}{{ if eq (include "vault.mode" .) "ha" }}{{ .Values.server.ha.replicas }}{{ else }}1{{ end }}{{- end }}
{{- define "vault.sa" -}}
{{- if .Values.server.serviceAccount.create -}}{{ default (include "vault.fullname" .) .Values.server.serviceAccount.name }}{{- else -}}{{ default "default" .Values.server.serviceAccount.name }}{{- end -}}
{{- end }}
{{- define "vault.scheme" -}}{{ if .Values.global.tlsDisable }}http{{ else }}https{{ end }}{{- end }}
{{- define "vault.selector" -}}
app.kubernetes.io/name: {{ include "vault.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
component: server
{{- end }}
{{- define "vault.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
app.kubernetes.io/name: {{ include "vault.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "vault.storageClass" -}}
{{- if .storageClass }}
storageClassName: {{ .storageClass }}
{{- end }}
{{- end }}
