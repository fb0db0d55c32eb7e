"""The Python `kubernetes` client against the sandbox: list, watch, create, patch, delete.

Run by `tests/api_python.rs` with the sandbox's kubeconfig path as the only argument; exits non-zero
(with a message) on the first failed expectation.
"""

import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def main(kubeconfig: str) -> None:
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()

    namespaces = [ns.metadata.name for ns in core.list_namespace().items]
    assert "default" in namespaces, namespaces

    core.create_namespaced_config_map("default", client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="py-cm", labels={"from": "python"}), data={"a": "1"}))
    try:
        core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm")))
        raise AssertionError("duplicate create must fail")
    except ApiException as e:
        assert e.status == 409, e.status

    listed = core.list_namespaced_config_map("default", label_selector="from=python")
    assert [c.metadata.name for c in listed.items] == ["py-cm"], listed.items
    start_rv = listed.metadata.resource_version

    patched = core.patch_namespaced_config_map("py-cm", "default", {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}, patched.data

    deployment = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="py-web"),
        spec=client.V1DeploymentSpec(
            replicas=1,
            selector=client.V1LabelSelector(match_labels={"app": "py-web"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "py-web"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx:1.27")]))))
    apps.create_namespaced_deployment("default", deployment)
    scaled = apps.patch_namespaced_deployment_scale("py-web", "default", {"spec": {"replicas": 3}})
    assert scaled.spec.replicas == 3, scaled.spec

    events = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_config_map, "default", resource_version=start_rv, timeout_seconds=10):
        events.append((event["type"], event["object"].metadata.name))
        if event["type"] == "MODIFIED":
            threading.Thread(target=lambda: core.delete_namespaced_config_map("py-cm", "default")).start()
        if event["type"] == "DELETED":
            w.stop()
    assert ("MODIFIED", "py-cm") in events and ("DELETED", "py-cm") in events, events

    try:
        core.read_namespaced_config_map("py-cm", "default")
        raise AssertionError("deleted config map must be gone")
    except ApiException as e:
        assert e.status == 404, e.status
    print("python client: ok")


if __name__ == "__main__":
    main(sys.argv[1])
