"""Tests of dvdl_helpers.device: CPU feature detection, precision policy, strategy, timing."""

from __future__ import annotations

import os

import numpy as np
import pytest

from dvdl_helpers import device

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu vme sse2 avx2 avx512f {extra}
"""


def write_cpuinfo(tmp_path, extra: str):
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(extra=extra))
    return path


@pytest.mark.parametrize(
    ("extra", "native"),
    [("amx_bf16 amx_tile", True), ("avx512_bf16", True), ("avx512_vnni", False), ("", False)],
)
def test_native_bf16_read_from_cpuinfo_flags(tmp_path, extra, native):
    flags = device.cpu_flags(write_cpuinfo(tmp_path, extra), system="Linux")
    assert "avx512f" in flags
    assert device.cpu_native_bf16(flags, system="Linux") is native


@pytest.mark.parametrize("system", ["Darwin", "Windows"])
def test_bf16_never_assumed_outside_linux(tmp_path, system):
    assert device.cpu_flags(write_cpuinfo(tmp_path, "amx_bf16"), system=system) == frozenset()
    assert device.cpu_native_bf16({"amx_bf16", "avx512_bf16"}, system=system) is False


def test_cpu_flags_missing_file_is_empty(tmp_path):
    assert device.cpu_flags(tmp_path / "absent", system="Linux") == frozenset()


@pytest.mark.parametrize(
    ("flags", "units"),
    [
        ({"avx2", "avx512f", "avx512_bf16", "amx_bf16"}, "AMX-BF16, AVX-512 BF16, AVX-512"),
        ({"sse2", "avx2", "avx512f"}, "AVX-512"),
        ({"sse2", "avx2", "fma"}, "AVX2"),
        ({"fp", "asimd"}, "NEON"),
        (set(), "unknown"),
    ],
)
def test_cpu_vector_units_tell_same_named_cpus_apart(flags, units):
    assert device.cpu_vector_units(frozenset(flags)) == units


def test_cpu_name_from_cpuinfo(tmp_path):
    assert device.cpu_name(write_cpuinfo(tmp_path, "")) == "Intel(R) Xeon(R) Platinum 8480+"
    assert device.cpu_name(tmp_path / "absent")  # falls back to platform, never empty


def test_precision_policy_on_cpu():
    assert device.precision_policy([], native_bf16=True)[0] == "mixed_bfloat16"
    policy, reason = device.precision_policy([], native_bf16=False)
    assert policy == "float32"
    assert "bfloat16" in reason


@pytest.mark.parametrize(("capability", "policy"), [((9, 0), "mixed_float16"), ((6, 1), "float32")])
def test_precision_policy_on_gpu(monkeypatch, capability, policy):
    monkeypatch.setattr(device, "gpu_details", lambda gpu: {"compute_capability": capability})
    assert device.precision_policy(["fake GPU"], native_bf16=True)[0] == policy


def test_precision_scope_restores_global_policy():
    import keras

    before = keras.mixed_precision.global_policy().name
    with device.precision("mixed_bfloat16"):
        layer = keras.layers.Dense(2)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    assert layer.dtype_policy.name == "mixed_bfloat16"
    assert keras.mixed_precision.global_policy().name == before
    with pytest.raises(RuntimeError), device.precision("mixed_float16"):
        raise RuntimeError("boom")
    assert keras.mixed_precision.global_policy().name == before


def test_strategy_without_gpu_is_the_default_one():
    import tensorflow as tf

    chosen = device.strategy([])
    assert chosen is tf.distribute.get_strategy()
    assert chosen.num_replicas_in_sync == 1


def test_memory_growth_sets_the_variable(monkeypatch):
    monkeypatch.delenv(device.MEMORY_GROWTH_VARIABLE, raising=False)
    message = device.enable_memory_growth()
    assert os.environ[device.MEMORY_GROWTH_VARIABLE] == "true"
    assert message


def test_detect_and_describe_agree():
    setup = device.detect()
    assert setup.has_gpu == bool(device.gpus())
    assert setup.policy == device.precision_policy()[0]
    text = device.describe(setup)
    for word in ("Device", "Precision", "Strategy", setup.policy):
        assert word in text


def test_time_fit_excludes_the_warm_up_epoch():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((40, 4), np.float32), np.zeros((40, 2), np.float32)
    timing = device.time_fit(model, x, y, batch_size=16, epochs=3)
    assert len(timing.epoch_seconds) == 3
    assert timing.steps_per_epoch == 3
    assert timing.images_per_epoch == 40
    assert timing.seconds == pytest.approx(np.median(timing.epoch_seconds[1:]))
    assert timing.ms_per_step > 0
    assert timing.images_per_second == pytest.approx(40 / timing.seconds)
    assert len(timing.epoch_cpu_seconds) == 3 and timing.images_per_cpu_second > 0
    with pytest.raises(ValueError, match="warm-up"):
        device.time_fit(model, x, y, batch_size=16, epochs=1)


def test_timing_takes_the_median_of_the_timed_epochs():
    # The warm-up epoch (9.0) is left out; an odd count takes the middle value, an even one the mean of two.
    odd = device.Timing(10, 5, 100, (9.0, 3.0, 1.0, 2.0), (90.0, 6.0, 2.0, 4.0))
    assert odd.seconds == 2.0 and odd.ms_per_step == 400.0 and odd.images_per_second == 50.0
    assert odd.images_per_cpu_second == 25.0
    even = device.Timing(10, 5, 100, (9.0, 4.0, 1.0))
    assert even.seconds == 2.5
    assert np.isnan(even.images_per_cpu_second)  # no CPU times recorded
    assert device.Timing(10, 5, 100, (3.0,)).seconds == 3.0  # a single epoch is all there is


@pytest.mark.parametrize(
    ("cap", "allowed"),
    [
        ("", True),
        ("DEFAULT", True),
        ("AVX512_CORE_AMX", True),
        ("avx512_core_bf16", True),
        ("AVX2", False),
        ("AVX512_CORE", False),
        ("AVX512_CORE_VNNI", False),
    ],
)
def test_isa_cap_below_bf16_means_float32(monkeypatch, cap, allowed):
    assert device.isa_cap_allows_bf16({"ONEDNN_MAX_CPU_ISA": cap}) is allowed
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", cap)
    assert device.cpu_native_bf16({"amx_bf16"}, system="Linux") is allowed
    policy, reason = device.precision_policy([], native_bf16=None)
    if not allowed:
        assert policy == "float32" and cap.upper() in reason


def test_limit_cpu_isa_sets_the_variable(monkeypatch):
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    message = device.limit_cpu_isa("avx2")
    assert os.environ["ONEDNN_MAX_CPU_ISA"] == "AVX2"
    assert "AVX2" in message
