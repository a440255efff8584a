"""The course's classroom hub: the parts that ``jupyterhub_config.py`` plugs into JupyterHub.

- :func:`read_class_list` reads the class list (one learner name a line);
- :func:`ensure_passwords` gives every learner and the teacher a password of their own, written to a file
  only the hub's user can read (mode 600), and :func:`password_problems` says which are not real passwords;
- :class:`ClassroomAuthenticator` checks a login against that file (read at every login: a changed password
  works at once);
- :class:`ClassroomSpawner` runs each learner's Jupyter server as a local process of the hub's own user, in
  the learner's folder, which gets the student copies of the notebooks on first login (never overwritten
  later), its own artifacts (TensorBoard logs, models) and TensorBoard through the hub's proxy;
- :func:`idle_minutes` and :func:`idle_culling_args` stop what a learner left running: Jupyter Server's own
  options stop a kernel left idle, then the server once it has no kernel and no visitor.

Isolation is what the hub enforces over HTTP (a learner's browser gets 403 on another learner's server);
every learner's server runs as the same Unix user, so code a learner runs can read the others' folders.
docs/teaching.md says what a university hub uses instead (SystemdSpawner, DockerSpawner, Kubernetes).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import sys
from pathlib import Path

from dvdl_helpers.workers import free_ports

CLASSROOM_DIR = Path(__file__).resolve().parent
REPO_ROOT = CLASSROOM_DIR.parent
#: The learners' names: what JupyterHub accepts as a user name and a folder name, without surprises.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,31}")
MIN_PASSWORD_LENGTH = 10
#: A kernel holds about 0.9 GiB (docs/teaching.md, measured): one left idle this long is stopped. Half an
#: hour lets a learner listen to a long explanation without losing their variables.
KERNEL_IDLE_MINUTES = 30
#: A learner's server (0.1 GiB) with no kernel and no visit this long stops; their files stay.
SERVER_IDLE_MINUTES = 60


def read_class_list(path: Path) -> list[str]:
    """Return the learner names of a class list: one a line, ``#`` comments and blank lines ignored."""
    names: list[str] = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not NAME_PATTERN.fullmatch(name):
            raise ValueError(
                f"{path}, line {number}: {name!r} is not a usable learner name (lower-case letters, digits, "
                "'-' and '_', starting with a letter, at most 32 characters)"
            )
        if name in names:
            raise ValueError(f"{path}, line {number}: {name!r} is listed twice")
        names.append(name)
    if not names:
        raise ValueError(f"{path} lists no learner")
    return names


def read_passwords(path: Path) -> dict[str, str]:
    """Return the ``name password`` pairs of the passwords file (empty when there is none)."""
    path = Path(path)
    if not path.exists():
        return {}
    passwords = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, password = line.strip().partition(" ")
            passwords[name] = password.strip()
    return passwords


def ensure_passwords(path: Path, names: list[str]) -> dict[str, str]:
    """Give every name without one a new random password in ``path`` (mode 600); return all of them.

    Passwords already in the file are kept: a teacher hands them out once for the whole course.
    """
    path = Path(path)
    passwords = read_passwords(path)
    missing = [name for name in names if name not in passwords]
    passwords.update({name: secrets.token_urlsafe(9) for name in missing})  # 12 characters, 72 bits
    if missing or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# name password (one login a line; keep this file to yourself)"]
        lines += [f"{name} {password}" for name, password in passwords.items()]
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write("\n".join(lines) + "\n")
    path.chmod(0o600)  # also when the teacher copied the file in with a looser mode
    return passwords


def password_problems(path: Path, names: list[str]) -> list[str]:
    """Say what keeps the passwords in ``path`` from being real passwords for ``names`` (empty: none)."""
    path = Path(path)
    if not path.exists():
        return [f"{path} does not exist"]
    problems = []
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        problems.append(f"{path} can be read by other users: chmod 600 {path}")
    passwords = read_passwords(path)
    for name in names:
        password = passwords.get(name, "")
        if len(password) < MIN_PASSWORD_LENGTH or password.lower() == name:
            problems.append(f"{name}: the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(set(passwords.values())) < len(passwords):
        problems.append("two logins share a password")
    return problems


def is_loopback(ip: str) -> bool:
    """Return True when ``ip`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def room_address(ip: str) -> str:
    """Return the address learners type for a hub bound to ``ip`` (0.0.0.0: this machine's own address)."""
    if ip not in {"", "0.0.0.0", "::"}:
        return ip
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent by connect()
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 now."""
    return free_ports(1)[0]


def idle_minutes(value: str | None, default: float, name: str) -> float:
    """Return the minutes given in ``value`` (``default`` when empty); ``name`` says which, in the error."""
    if value is None or not value.strip():
        return default
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not 0 <= minutes < float("inf"):  # also refuses NaN
        raise ValueError(f"{name}={value!r}: give minutes, a number of 0 or more (0: never)")
    return minutes


def describe_minutes(minutes: float) -> str:
    """Say when, as the hub prints it: ``after 30 min``, or ``never`` when it rounds to 0 seconds."""
    return f"after {minutes:g} min" if round(minutes * 60) > 0 else "never"


def idle_culling_args(kernel_minutes: float, server_minutes: float) -> list[str]:
    """Return the Jupyter Server options that stop idle kernels and idle servers (0 minutes: never)."""
    kernel_seconds, server_seconds = round(kernel_minutes * 60), round(server_minutes * 60)
    args = []
    if kernel_seconds > 0:
        args += [
            f"--MappingKernelManager.cull_idle_timeout={kernel_seconds}",
            # Checked every minute (its default is 5): a kernel stops within a minute of its time.
            f"--MappingKernelManager.cull_interval={max(1, min(60, kernel_seconds // 10))}",
            # A tab left open on a machine nobody uses is idle too; kernel_info polls do not count as use.
            "--MappingKernelManager.cull_connected=True",
            # Never a kernel that is running a cell (a long training): only once it has finished.
            "--MappingKernelManager.cull_busy=False",
        ]
    if server_seconds > 0:
        # Only once the server has no kernel left and no request came (checked every minute).
        args.append(f"--ServerApp.shutdown_no_activity_timeout={server_seconds}")
    return args


def copy_missing(source: Path, target: Path) -> list[str]:
    """Copy each visible file of ``source`` that ``target`` lacks, never overwriting; return their names."""
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith(".") and not (target / path.name).exists():
            shutil.copy2(path, target / path.name)
            copied.append(path.name)
    return copied


async def write_student_copies(folder: Path) -> Path:
    """Write the student copies (``tools/make_student.py``) to ``folder`` unless they are up to date."""
    notebooks = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    newest = max(path.stat().st_mtime for path in notebooks)
    done = folder / ".done"
    if done.exists() and done.stat().st_mtime >= newest:
        return folder
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO_ROOT / "tools" / "make_student.py"),
        str(folder),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"tools/make_student.py failed:\n{output.decode(errors='replace')}")
    done.touch()
    return folder


def _import_jupyterhub():
    """Import the JupyterHub classes this module extends (only where JupyterHub is installed)."""
    from jupyterhub.auth import Authenticator
    from jupyterhub.spawner import SimpleLocalProcessSpawner
    from traitlets import Unicode

    return Authenticator, SimpleLocalProcessSpawner, Unicode


try:
    _Authenticator, _LocalSpawner, _Unicode = _import_jupyterhub()
except ImportError:  # the helpers above still work: the tests and `make classroom` say what to install
    _Authenticator = _LocalSpawner = None

if _Authenticator is not None:

    class ClassroomAuthenticator(_Authenticator):
        """Each login has its own password, read from a file only the teacher (the hub's user) can read."""

        passwords_file = _Unicode(config=True, help="The file of `name password` lines (mode 600).")

        async def authenticate(self, handler, data):
            """Return the user name when its password matches the file's, else None."""
            name = (data.get("username") or "").strip().lower()
            expected = read_passwords(Path(self.passwords_file)).get(name)
            given = data.get("password") or ""
            if expected and hmac.compare_digest(expected.encode(), given.encode()):
                return name
            self.log.warning("Failed login for %r", name)
            return None

    class ClassroomSpawner(_LocalSpawner):
        """A learner's Jupyter server: a local process of the hub's user, in the learner's own folder.

        JupyterHub's LocalProcessSpawner needs one Unix account per learner; this one needs none, so its
        isolation is the hub's (HTTP), not the operating system's.
        """

        student_copies = _Unicode(config=True, help="Folder for the student copies of the notebooks.")
        _student_lock: asyncio.Lock | None = None

        def user_env(self, env):
            """The learner's own folder as home, artifacts folder, temporary folder, TensorBoard proxy."""
            env = super().user_env(env)
            home = Path(self.home_dir)
            env["DVDL_ARTIFACTS"] = str(home / "artifacts")  # TensorBoard logs, models, caches: the learner's
            env["TMPDIR"] = str(home / ".tmp")  # %tensorboard's registry of instances: the learner's own
            env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the course environment's kernel, not one in a home
            env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
            prefix = env.get("JUPYTERHUB_SERVICE_PREFIX", f"/user/{self.user.name}/")
            env["TENSORBOARD_PROXY_URL"] = f"{prefix}proxy/%PORT%/"  # trailing slash required
            return env

        async def start(self):
            """Copy the student notebooks the learner lacks (all on first login; never overwriting one).

            A teacher resets a learner's notebook by deleting it: the next start brings a fresh copy.
            """
            home = Path(self.home_dir)
            (home / ".tmp").mkdir(parents=True, exist_ok=True)
            if ClassroomSpawner._student_lock is None:
                ClassroomSpawner._student_lock = asyncio.Lock()
            async with ClassroomSpawner._student_lock:  # one make_student run for a room logging in
                source = await write_student_copies(Path(self.student_copies))
            copied = copy_missing(source, home / "notebooks")
            if copied:
                self.log.info("%s: student copies of %s", self.user.name, ", ".join(copied))
            return await super().start()

        async def stop(self, now=False):
            """Stop the server, then whatever it left running (kernels, the TensorBoards they started)."""
            leftovers = _descendants(self.pid) if self.pid else []
            await super().stop(now=now)
            await asyncio.to_thread(_terminate, leftovers)


def _descendants(pid: int) -> list:
    """Return the processes started, directly or not, by process ``pid`` (empty when psutil is missing)."""
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the process already gone: nothing to collect
        return []


def _terminate(processes: list, timeout: float = 10) -> None:
    """Send SIGTERM to those of ``processes`` still alive, then SIGKILL after ``timeout`` seconds."""
    if not processes:
        return
    import psutil

    alive = []
    for process in processes:
        try:
            process.send_signal(signal.SIGTERM)
            alive.append(process)
        except psutil.NoSuchProcess:
            continue
    _, still_alive = psutil.wait_procs(alive, timeout=timeout)
    for process in still_alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue
