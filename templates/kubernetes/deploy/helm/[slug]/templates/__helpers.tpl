{{/* Names and labels, as `helm create` writes them (Kubernetes names: at most 63 characters). */}}
{{- define "server.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "server.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "server.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "server.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "server.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "server.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "server.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The host names the server accepts in the Host header (ALLOWED_HOSTS, DNS rebinding protection, MCP spec:
transports): the Service's in-cluster names, the Ingress hosts and `allowedHosts`.
*/}}
{{- define "server.allowedHosts" -}}
{{- $svc := include "server.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $hosts := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) }}
{{- if .Values.ingress.enabled }}
{{- $hosts = concat $hosts .Values.ingress.hosts }}
{{- end }}
{{- concat $hosts .Values.allowedHosts | uniq | join "," }}
{{- end }}

{{/* TRUST_PROXY: `trustProxy`, or when it is null one proxy (the ingress controller) with the Ingress, else none. */}}
{{- define "server.trustProxy" -}}
{{- if kindIs "invalid" .Values.trustProxy }}
{{- ternary 1 0 .Values.ingress.enabled }}
{{- else }}
{{- .Values.trustProxy }}
{{- end }}
{{- end }}

{{/*
V8's old space, in MiB: `heapPercent` of the container's memory limit, so that the heap fills before the kernel's
OOM killer stops the process (Kubernetes docs: "Resource Management for Pods and Containers").
*/}}
{{- define "server.heapMiB" -}}
{{- $mem := toString .Values.resources.limits.memory }}
{{- $mib := 0 }}
{{- if hasSuffix "Gi" $mem }}
{{- $mib = mul (atoi (trimSuffix "Gi" $mem)) 1024 }}
{{- else if hasSuffix "Mi" $mem }}
{{- $mib = atoi (trimSuffix "Mi" $mem) }}
{{- else }}
{{- fail "resources.limits.memory must be a whole number of Mi or Gi, such as 512Mi" }}
{{- end }}
{{- div (mul $mib .Values.heapPercent) 100 }}
{{- end }}

{{/*
terminationGracePeriodSeconds: longer than the preStop pause, the drain (SHUTDOWN_DRAIN_MS: /ready answers 503 and
the server keeps serving) and the time calls in flight get to finish (SHUTDOWN_TIMEOUT_MS), plus a margin; the
kubelet kills the container when it runs out (Kubernetes docs: "Pod Lifecycle", termination of Pods).
*/}}
{{- define "server.terminationGracePeriodSeconds" -}}
{{- $ms := add (mul .Values.shutdown.preStopSeconds 1000) .Values.shutdown.drainMs .Values.shutdown.timeoutMs }}
{{- add (div (add $ms 999) 1000) .Values.shutdown.marginSeconds }}
{{- end }}
