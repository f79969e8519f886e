{{/* Stands in for policy-controller/templates/_helpers.tpl */}}
{{- define "pc.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "pc.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end }}
{{- define "pc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "pc.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{ include "pc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- range $k, $v := .Values.webhook.customLabels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end }}
{{- define "pc.sa" -}}
{{- if .Values.webhook.serviceAccount.create -}}{{ default (printf "%s-webhook" (include "pc.fullname" .)) .Values.webhook.serviceAccount.name }}
{{- else -}}{{ default "default" .Values.webhook.serviceAccount.name }}{{- end -}}
{{- end }}
{{/* a sha256: version is a digest, anything else a tag */}}
{{- define "pc.image" -}}
{{- if hasPrefix "sha256:" .version -}}{{ printf "%s@%s" .repository .version }}{{- else -}}{{ printf "%s:%s" .repository .version }}{{- end -}}
{{- end }}
{{/* the cleanup image is always <repository>:<version> */}}
{{- define "pc.cleanupImage" -}}{{ printf "%s:%s" .repository .version }}{{- end }}
{{- define "pc.namespaceSelector" -}}
{{- if .Values.webhook.namespaceSelector }}
{{ toYaml .Values.webhook.namespaceSelector }}
{{- else }}
matchExpressions:
  - key: policy.sigstore.dev/include
    operator: In
    values: ["true"]
{{- end }}
{{- end }}
