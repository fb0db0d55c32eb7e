//! Starting points for the create page: one small, valid object per common kind. None names a
//! namespace, so the page's default namespace applies.

/// A template the create page offers.
pub struct Template {
    /// The kind's key in addresses (`deployments.apps`), as `?kind=` gives it.
    pub key: &'static str,
    /// The kind as the picker shows it.
    pub kind: &'static str,
    pub yaml: &'static str,
}

pub const TEMPLATES: [Template; 9] = [
    Template {
        key: "deployments.apps",
        kind: "Deployment",
        yaml: "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
",
    },
    Template {
        key: "services",
        kind: "Service",
        yaml: "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 80
",
    },
    Template {
        key: "configmaps",
        kind: "ConfigMap",
        yaml: "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  LOG_LEVEL: info
",
    },
    Template {
        key: "secrets",
        kind: "Secret",
        yaml: "apiVersion: v1
kind: Secret
metadata:
  name: credentials
type: Opaque
stringData:
  username: admin
  password: change-me
",
    },
    Template {
        key: "jobs.batch",
        kind: "Job",
        yaml: "apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: hello
          image: busybox:1.36
          command: [\"sh\", \"-c\", \"echo hello\"]
",
    },
    Template {
        key: "cronjobs.batch",
        kind: "CronJob",
        yaml: "apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: task
              image: busybox:1.36
              command: [\"sh\", \"-c\", \"date\"]
",
    },
    Template {
        key: "namespaces",
        kind: "Namespace",
        yaml: "apiVersion: v1
kind: Namespace
metadata:
  name: team-a
",
    },
    Template {
        key: "ingresses.networking.k8s.io",
        kind: "Ingress",
        yaml: "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
",
    },
    Template {
        key: "persistentvolumeclaims",
        kind: "PersistentVolumeClaim",
        yaml: "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 1Gi
",
    },
];

/// The template for `?kind=`: a kind key (`deployments.apps`), its plural (`deployments`) or
/// its name (`Deployment`), in any case.
pub fn find(wanted: &str) -> Option<&'static Template> {
    let wanted = wanted.trim().to_ascii_lowercase();
    if wanted.is_empty() {
        return None;
    }
    TEMPLATES.iter().find(|t| {
        let plural = t.key.split('.').next().unwrap_or(t.key);
        t.key == wanted || plural == wanted || t.kind.eq_ignore_ascii_case(&wanted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_found_by_key_plural_or_kind() {
        assert_eq!(find("deployments.apps").map(|t| t.kind), Some("Deployment"));
        assert_eq!(find("deployments").map(|t| t.kind), Some("Deployment"));
        assert_eq!(find("CronJob").map(|t| t.kind), Some("CronJob"));
        assert_eq!(
            find("ingresses.networking.k8s.io").map(|t| t.kind),
            Some("Ingress")
        );
        assert!(find("widgets.example.com").is_none());
        assert!(find("").is_none());
    }

    #[test]
    fn every_template_declares_its_own_kind_and_no_namespace() {
        for t in &TEMPLATES {
            assert!(t.yaml.starts_with("apiVersion: "), "{}", t.kind);
            assert!(
                t.yaml.contains(&format!("\nkind: {}\n", t.kind)),
                "{}",
                t.kind
            );
            assert!(t.yaml.contains("\nmetadata:\n  name: "), "{}", t.kind);
            assert!(!t.yaml.contains("namespace:"), "{}", t.kind);
            assert!(!t.yaml.contains('\t'), "{} indents with tabs", t.kind);
        }
    }
}
