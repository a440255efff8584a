"""Which device trains the course's networks, and in which number format.

- :func:`gpus` lists the GPUs TensorFlow sees; :func:`enable_memory_growth` lets TensorFlow take GPU memory
  as it needs it instead of all of it at start (call it *before* TensorFlow starts).
- :func:`precision_policy` picks the Keras dtype policy: ``mixed_float16`` on a GPU with tensor cores,
  ``mixed_bfloat16`` on a CPU that computes bfloat16 natively (AMX-BF16 or AVX-512 BF16, read from
  ``/proc/cpuinfo`` on Linux — never assumed elsewhere: emulated bfloat16 is much slower than float32),
  else ``float32``. :func:`precision` applies a policy to the models built inside a ``with`` block only.
- :func:`strategy` returns a ``tf.distribute`` strategy: one that mirrors the model on every GPU when there
  are several, else the default one (a single device, no overhead).
- :func:`detect` gathers all this in a :class:`DeviceSetup`; :func:`describe` says it in a few lines.
- :func:`limit_cpu_isa` makes TensorFlow's oneDNN use only older vector instructions (e.g. ``"AVX2"``), so a
  new CPU shows what a laptop without AVX-512 or bfloat16 gets; :func:`precision_policy` then picks float32.

Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import platform
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: ``/proc/cpuinfo`` flags of x86 CPUs that compute bfloat16 in hardware (Intel AMX, AVX-512 BF16 on
#: Intel Cooper Lake+ and AMD Zen 4+). Without one, bfloat16 is emulated and slower than float32.
NATIVE_BF16_FLAGS = ("amx_bf16", "avx512_bf16")
#: The environment variables oneDNN (TensorFlow's CPU kernels) reads once, at start: its instruction-set cap.
ISA_VARIABLES = ("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA")
#: oneDNN instruction-set caps that still include bfloat16 arithmetic (anything else emulates it).
BF16_ISA_CAPS = (
    "AVX512_CORE_BF16",
    "AVX512_CORE_FP16",
    "AVX512_CORE_AMX",
    "AVX512_CORE_AMX_FP16",
    "AVX10",
    "ALL",
)
#: The environment variable TensorFlow reads when it starts its GPUs: allocate memory as needed.
MEMORY_GROWTH_VARIABLE = "TF_FORCE_GPU_ALLOW_GROWTH"
#: GPUs from this compute capability on (Volta, 2017) have tensor cores that make float16 fast.
MIN_FLOAT16_CAPABILITY = (7, 0)


def cpu_flags(cpuinfo: Path | str = "/proc/cpuinfo", *, system: str | None = None) -> frozenset[str]:
    """Return the CPU feature flags listed in ``/proc/cpuinfo`` (Linux only; empty set elsewhere)."""
    if (system or platform.system()) != "Linux":
        return frozenset()
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in {"flags", "Features"}:
            return frozenset(value.split())
    return frozenset()


def cpu_name(cpuinfo: Path | str = "/proc/cpuinfo") -> str:
    """Return the CPU's model name (from ``/proc/cpuinfo`` on Linux, else ``platform``)."""
    with contextlib.suppress(OSError):
        for line in Path(cpuinfo).read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown CPU"


#: ``/proc/cpuinfo`` flags that tell CPUs of the same model name apart by the arithmetic units that set a
#: network's speed, widest first: (flag, name). Cloud CPUs often report only "Intel(R) Xeon(R) Processor".
VECTOR_UNIT_FLAGS = (
    ("amx_bf16", "AMX-BF16"),
    ("avx512_bf16", "AVX-512 BF16"),
    ("avx512f", "AVX-512"),
    ("avx2", "AVX2"),
    ("asimd", "NEON"),
)


def cpu_vector_units(flags: frozenset[str] | set[str] | None = None) -> str:
    """Return the CPU's arithmetic units that matter for speed, e.g. ``"AMX-BF16, AVX-512 BF16, AVX-512"``.

    Benchmarks record it beside :func:`cpu_name`, which is the same on machines of different speed.
    ``"unknown"`` where ``/proc/cpuinfo`` does not tell (not Linux).
    """
    flags = cpu_flags() if flags is None else flags
    units = [name for flag, name in VECTOR_UNIT_FLAGS if flag in flags]
    if "AVX-512" in units:  # every AVX-512 CPU also has AVX2: name the widest only
        units = [unit for unit in units if unit != "AVX2"]
    return ", ".join(units) or "unknown"


def cpu_native_bf16(flags: frozenset[str] | set[str] | None = None, *, system: str | None = None) -> bool:
    """Return True when the CPU computes bfloat16 in hardware (Linux, AMX-BF16 or AVX-512 BF16 flag).

    On other systems this returns False: there is no reliable check, and emulated bfloat16 is slow.
    """
    system = system or platform.system()
    if system != "Linux" or not isa_cap_allows_bf16():
        return False
    flags = cpu_flags(system=system) if flags is None else flags
    return any(flag in flags for flag in NATIVE_BF16_FLAGS)


def isa_cap_allows_bf16(environ: dict[str, str] | None = None) -> bool:
    """Return False when ``ONEDNN_MAX_CPU_ISA`` caps oneDNN below bfloat16 (e.g. ``AVX2``), else True."""
    environ = os.environ if environ is None else environ
    cap = next((environ[name] for name in ISA_VARIABLES if environ.get(name)), "").strip().upper()
    return not cap or cap == "DEFAULT" or cap.startswith(BF16_ISA_CAPS)


def limit_cpu_isa(isa: str = "AVX2") -> str:
    """Cap TensorFlow's oneDNN CPU kernels at ``isa`` (e.g. ``"AVX2"``) to see what older CPUs get.

    oneDNN reads the cap once, when TensorFlow starts: call this before ``env.quiet_tensorflow()`` (or
    in a fresh process). Returns what was done. Below ``AVX512_CORE_BF16`` the precision policy becomes
    float32, as on a CPU without bfloat16 units. Eigen kernels outside oneDNN are not capped.
    """
    os.environ[ISA_VARIABLES[0]] = isa.upper()
    if "tensorflow" in sys.modules:
        return f"too late: TensorFlow has started; set {ISA_VARIABLES[0]}={isa.upper()} in a fresh process"
    return f"oneDNN capped at {isa.upper()} ({ISA_VARIABLES[0]}={isa.upper()})"


def gpus() -> list[Any]:
    """Return the GPUs TensorFlow sees (``tf.config.PhysicalDevice`` objects; empty list: CPU only)."""
    import tensorflow as tf

    return tf.config.list_physical_devices("GPU")


def gpu_details(gpu: Any) -> dict[str, Any]:
    """Return TensorFlow's details of one GPU: ``device_name`` and ``compute_capability`` when known."""
    import tensorflow as tf

    try:
        return dict(tf.config.experimental.get_device_details(gpu))
    except (RuntimeError, ValueError):
        return {}


def enable_memory_growth() -> str:
    """Let TensorFlow allocate GPU memory as needed, not all at once; return what was done.

    By default TensorFlow reserves nearly all GPU memory when it starts, so a second notebook on the
    same GPU fails. Growth must be chosen *before* TensorFlow starts its GPUs: call this before
    ``env.quiet_tensorflow()`` (it then only sets ``TF_FORCE_GPU_ALLOW_GROWTH``, importing nothing).
    """
    already = os.environ.get(MEMORY_GROWTH_VARIABLE, "").lower() == "true"
    os.environ[MEMORY_GROWTH_VARIABLE] = "true"
    if "tensorflow" not in sys.modules:
        return f"memory growth on for every GPU TensorFlow will start ({MEMORY_GROWTH_VARIABLE}=true)"
    import tensorflow as tf

    devices = gpus()
    if not devices:
        return "no GPU: nothing to do"
    try:
        for gpu in devices:
            tf.config.experimental.set_memory_growth(gpu, True)
    except RuntimeError:
        if already:
            return f"memory growth on for {len(devices)} GPU(s) (chosen before TensorFlow started)"
        return (
            "too late: TensorFlow has already started its GPUs; call device.enable_memory_growth() "
            "before env.quiet_tensorflow() and restart the kernel"
        )
    return f"memory growth on for {len(devices)} GPU(s)"


def precision_policy(gpu_list: list[Any] | None = None, native_bf16: bool | None = None) -> tuple[str, str]:
    """Return ``(policy, reason)``: the Keras dtype policy that is fast *and* safe on this machine.

    GPU with tensor cores → ``mixed_float16`` (Keras scales the loss against underflow); CPU with native
    bfloat16 → ``mixed_bfloat16``; anything else → ``float32``. Weights stay float32 in both mixed policies.
    """
    gpu_list = gpus() if gpu_list is None else gpu_list
    if gpu_list:
        capability = gpu_details(gpu_list[0]).get("compute_capability")
        if capability is None or tuple(capability) >= MIN_FLOAT16_CAPABILITY:
            return "mixed_float16", "GPU: float16 math on its tensor cores, float32 weights"
        return "float32", f"GPU of compute capability {capability}: no tensor cores, float16 would not help"
    native = cpu_native_bf16() if native_bf16 is None else native_bf16
    if native:
        flags = sorted(set(NATIVE_BF16_FLAGS) & cpu_flags()) or ["native bf16"]
        return "mixed_bfloat16", f"CPU computes bfloat16 in hardware ({', '.join(flags)}), float32 weights"
    if not isa_cap_allows_bf16():
        cap = next(os.environ[name] for name in ISA_VARIABLES if os.environ.get(name))
        return "float32", f"oneDNN capped at {cap.upper()}: bfloat16 would be emulated, slower than float32"
    return "float32", "CPU without native bfloat16: emulating it would be slower than float32"


@contextlib.contextmanager
def precision(policy: str) -> Iterator[None]:
    """Build the Keras layers created inside the block with dtype ``policy``; restore the old one after.

    The global policy never leaks into later code: ``with device.precision("mixed_bfloat16"): model = ...``.
    """
    import keras

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def strategy(gpu_list: list[Any] | None = None) -> Any:
    """Return a ``tf.distribute`` strategy: ``MirroredStrategy`` on several GPUs, else the default one.

    Build and compile the model inside ``with strategy.scope():``. The default strategy (one device)
    changes nothing, so the same code runs on a laptop and on a multi-GPU server.
    """
    import tensorflow as tf

    gpu_list = gpus() if gpu_list is None else gpu_list
    if len(gpu_list) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


@dataclasses.dataclass(frozen=True)
class DeviceSetup:
    """What this machine trains on, and how (see :func:`detect`)."""

    device: str  # "GPU" or "CPU"
    names: tuple[str, ...]  # GPU names, or the CPU name
    cpu_cores: int
    native_bf16: bool
    policy: str
    policy_reason: str
    strategy: str
    memory_growth: str

    @property
    def has_gpu(self) -> bool:
        """True when at least one GPU trains."""
        return self.device == "GPU"


def detect() -> DeviceSetup:
    """Look at this machine: its GPUs, its CPU, the dtype policy and the distribution strategy to use."""
    gpu_list = gpus()
    policy, reason = precision_policy(gpu_list)
    names = tuple(gpu_details(gpu).get("device_name", gpu.name) for gpu in gpu_list) or (cpu_name(),)
    chosen = strategy(gpu_list)
    return DeviceSetup(
        device="GPU" if gpu_list else "CPU",
        names=names,
        cpu_cores=os.cpu_count() or 1,
        native_bf16=cpu_native_bf16(),
        policy=policy,
        policy_reason=reason,
        strategy=(
            f"MirroredStrategy: one model copy per GPU, {chosen.num_replicas_in_sync} replicas"
            if chosen.num_replicas_in_sync > 1
            else "default (one device; the same code runs under MirroredStrategy on several GPUs)"
        ),
        memory_growth=enable_memory_growth() if gpu_list else "no GPU: nothing to do",
    )


def describe(setup: DeviceSetup | None = None) -> str:
    """Return a few lines saying which device trains, with which precision and strategy, and why."""
    setup = setup or detect()
    if setup.has_gpu:
        what = f"GPU: {len(setup.names)} × {setup.names[0]}; TensorFlow places the work there automatically"
    else:
        what = (
            f"CPU: {setup.names[0]}, {setup.cpu_cores} core(s); no GPU found, which is fine: every notebook "
            "runs on a CPU"
        )
    lines = [
        f"Device        {what}",
        f"Precision     {setup.policy} ({setup.policy_reason})",
        f"Strategy      {setup.strategy}",
        f"Memory growth {setup.memory_growth}",
    ]
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Timing:
    """How fast ``model.fit`` trained, the warm-up epoch excluded (see :func:`time_fit`)."""

    batch_size: int
    steps_per_epoch: int
    images_per_epoch: int
    epoch_seconds: tuple[float, ...]  # every epoch, the first (warm-up) included
    epoch_cpu_seconds: tuple[float, ...] = ()  # CPU time of this process (all its threads) per epoch

    @property
    def seconds(self) -> float:
        """The median duration of the timed epochs (robust to a busy machine's odd slow epoch)."""
        return statistics.median(self.epoch_seconds[1:] or self.epoch_seconds)

    @property
    def images_per_cpu_second(self) -> float:
        """Images per CPU-second of this process (median timed epoch): hardly changed by other programs."""
        timed = self.epoch_cpu_seconds[1:] or self.epoch_cpu_seconds or (float("nan"),)
        return self.images_per_epoch / statistics.median(timed)

    @property
    def ms_per_step(self) -> float:
        """Milliseconds per training step (one batch: forward, backward, update)."""
        return 1000 * self.seconds / self.steps_per_epoch

    @property
    def images_per_second(self) -> float:
        """Training images processed per second."""
        return self.images_per_epoch / self.seconds


def time_fit(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    batch_size: int,
    num_images: int | None = None,
    epochs: int = 3,
) -> Timing:
    """Train ``model`` for ``epochs`` epochs and time each one; the first is warm-up, not counted.

    The first epoch traces the training step into a graph (and compiles it with XLA when asked) and
    fills ``tf.data`` caches: it measures start-up, not speed. ``x`` is a NumPy array (``y`` its labels)
    or a batched ``tf.data.Dataset`` of ``num_images`` images in batches of ``batch_size``.
    """
    import time

    import keras

    if epochs < 2:
        raise ValueError("time_fit needs epochs >= 2: the first epoch is warm-up")
    num_images = len(x) if num_images is None else num_images
    times: list[float] = []
    cpu_times: list[float] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.cpu_start = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)
            cpu_times.append(time.process_time() - self.cpu_start)

    from dvdl_helpers.models import build_for_fit  # here: this module must not import TensorFlow

    build_for_fit(model, x if y is None else (x, y))  # a shorter warm-up: one trace, not two
    kwargs = {"batch_size": batch_size} if y is not None else {}
    model.fit(x, y, epochs=epochs, verbose=0, callbacks=[EpochTimer()], **kwargs)
    return Timing(
        batch_size=batch_size,
        steps_per_epoch=-(-num_images // batch_size),
        images_per_epoch=num_images,
        epoch_seconds=tuple(times),
        epoch_cpu_seconds=tuple(cpu_times),
    )
