{{- define "studio-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "studio-operator.labels" -}}
app.kubernetes.io/name: studio-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "studio-operator.selectorLabels" -}}
app.kubernetes.io/name: studio-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "studio-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "studio-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "studio-operator.version" -}}
{{- default .Chart.AppVersion .Values.platformImages.version -}}
{{- end -}}
