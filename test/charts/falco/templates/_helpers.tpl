{{/* Stands in for falco/templates/_helpers.tpl */}}
{{- define "falco.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "falco.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end }}
{{- define "falco.namespace" -}}{{ .Values.namespaceOverride | default .Release.Namespace }}{{- end }}
{{- define "falco.selectorLabels" -}}
app.kubernetes.io/name: {{ include "falco.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "falco.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{ include "falco.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "falco.sa" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "falco.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end }}
{{/* the engine falco runs: auto means modern_ebpf */}}
{{- define "falco.driverKind" -}}
{{- if eq .Values.driver.kind "auto" -}}modern_ebpf{{- else if eq .Values.driver.kind "modern-bpf" -}}modern_ebpf{{- else -}}{{ .Values.driver.kind }}{{- end -}}
{{- end }}
{{/* container securityContext: least privileged capabilities for eBPF when asked, privileged otherwise */}}
{{- define "falco.securityContext" -}}
{{- $kind := include "falco.driverKind" . -}}
{{- if .Values.containerSecurityContext -}}
{{ toYaml .Values.containerSecurityContext }}
{{- else if not .Values.driver.enabled -}}
{}
{{- else if and (eq $kind "modern_ebpf") .Values.driver.modernEbpf.leastPrivileged -}}
capabilities:
  add: [BPF, SYS_RESOURCE, PERFMON, SYS_PTRACE]
{{- else if and (eq $kind "ebpf") .Values.driver.ebpf.leastPrivileged -}}
capabilities:
  add: [SYS_ADMIN, SYS_RESOURCE, SYS_PTRACE]
{{- else -}}
privileged: true
{{- end -}}
{{- end }}
