"""Tests of dvdl_helpers.checkup: the environment report of notebook 00."""

from __future__ import annotations

from dvdl_helpers import checkup


def test_report_names_versions_devices_source_and_tensorboard(monkeypatch, capsys):
    monkeypatch.setenv("DVDL_MNIST", "bundled")
    checkup.report()
    out = capsys.readouterr().out
    for heading in ("Python", "TensorFlow", "Keras", "TensorBoard", "Devices", "MNIST source"):
        assert heading in out
    assert "bundled (set by DVDL_MNIST)" in out
    assert "TensorBoard program  OK" in out


def test_gpu_names_describe_each_gpu_tensorflow_sees(monkeypatch):
    class FakeGpu:
        name = "/physical_device:GPU:0"

    monkeypatch.setattr(checkup.device, "gpus", lambda: [FakeGpu()])
    monkeypatch.setattr(checkup.device, "gpu_details", lambda gpu: {"device_name": "NVIDIA H100"})
    assert checkup.gpu_names() == ["/physical_device:GPU:0 (NVIDIA H100)"]
