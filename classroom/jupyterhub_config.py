# JupyterHub for a teaching session with the course: `make classroom` (docs/teaching.md, "A room").
#
# Read from the environment (the Makefile sets them from HOST=, PORT=, ...):
#   CLASSROOM_IP       address to listen on; default 127.0.0.1 (this machine only). Anything else is the
#                      room's network: the hub then refuses to start unless every login has a real password.
#   CLASSROOM_PORT     default 8000
#   CLASS_LIST         the class list, one learner name a line; default classroom/class-list.txt
#   CLASSROOM_TEACHER  the teacher's login (JupyterHub admin); default teacher
#   CLASSROOM_ROOM     everything the hub writes: passwords.txt, its database, the learners' folders;
#                      default classroom/room/ (git-ignored)
#   CLASSROOM_KERNEL_IDLE_MINUTES  a kernel idle this long is stopped; default 30 (0: never)
#   CLASSROOM_SERVER_IDLE_MINUTES  a learner's server with no kernel and no visit this long stops;
#                      default 60 (0: never)
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hub  # (classroom/hub.py: the authenticator, the spawner, the passwords)

c = get_config()  # noqa: F821  (JupyterHub provides it)
ip = os.environ.get("CLASSROOM_IP") or "127.0.0.1"
port = int(os.environ.get("CLASSROOM_PORT") or 8000)
room = Path(os.environ.get("CLASSROOM_ROOM") or hub.CLASSROOM_DIR / "room").resolve()
teacher = os.environ.get("CLASSROOM_TEACHER") or "teacher"
learners = hub.read_class_list(Path(os.environ.get("CLASS_LIST") or hub.CLASSROOM_DIR / "class-list.txt"))
try:
    kernel_idle = hub.idle_minutes(
        os.environ.get("CLASSROOM_KERNEL_IDLE_MINUTES"), hub.KERNEL_IDLE_MINUTES, "KERNEL_IDLE"
    )
    server_idle = hub.idle_minutes(
        os.environ.get("CLASSROOM_SERVER_IDLE_MINUTES"), hub.SERVER_IDLE_MINUTES, "SERVER_IDLE"
    )
except ValueError as error:
    sys.exit(str(error))

# Logins: one password per learner and for the teacher, generated once into a file only you can read.
room.mkdir(parents=True, exist_ok=True)
room.chmod(0o700)  # the hub's database and cookie secret, the learners' work: the teacher's alone
passwords = room / "passwords.txt"
hub.ensure_passwords(passwords, [teacher, *learners])
if not hub.is_loopback(ip) and (problems := hub.password_problems(passwords, [teacher, *learners])):
    sys.exit(
        f"Refusing to listen on {ip} (the room's network) without real passwords:\n  " + "\n  ".join(problems)
    )
c.JupyterHub.authenticator_class = hub.ClassroomAuthenticator
c.ClassroomAuthenticator.passwords_file = str(passwords)
c.Authenticator.allowed_users = set(learners)
c.Authenticator.admin_users = {teacher}  # admin: lists the learners (/hub/admin) and opens their servers

# Where the hub listens, and its own state. Its internal ports are free ones: no clash with another hub.
c.JupyterHub.bind_url = f"http://{ip}:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub.free_port()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.free_port()}"
c.ConfigurableHTTPProxy.command = [
    str(hub.CLASSROOM_DIR / "node_modules" / ".bin" / "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.pid_file = str(room / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{room / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(room / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(room / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

# Learners' servers: local processes, each in room/learners/<name>/ with the student copies in notebooks/.
c.JupyterHub.spawner_class = hub.ClassroomSpawner
c.ClassroomSpawner.home_dir_template = str(room / "learners" / "{username}")
c.ClassroomSpawner.student_copies = str(room / "student")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab/tree/notebooks/00_setup.ipynb"
c.Spawner.args = [
    "--LabApp.news_url=None",  # an offline room: no news, no update checks, no extension catalogue
    "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    # What a learner leaves running stops by itself (docs/teaching.md, "Idle kernels and servers").
    *hub.idle_culling_args(kernel_idle, server_idle),
] + (["--ServerApp.allow_root=True"] if os.getuid() == 0 else [])
c.Spawner.env_keep.extend(
    [name for name in os.environ if name.startswith("DVDL_") and name != "DVDL_ARTIFACTS"]
)
c.Spawner.env_keep.extend(["TF_CPP_MIN_LOG_LEVEL", "KERAS_HOME", "MPLBACKEND", "PYTHONHASHSEED"])
if not os.environ.get("KERAS_HOME") and (Path.home() / ".keras" / "datasets" / "mnist.npz").exists():
    c.Spawner.environment = {"KERAS_HOME": str(Path.home() / ".keras")}  # your full MNIST, for everyone
c.Spawner.start_timeout = c.Spawner.http_timeout = 180  # a room logging in at once on a small machine

# Limits. Enforced by the hub: how many servers run and start at once. mem_limit and cpu_limit are only
# enforced by container spawners (Systemd, Docker, Kubernetes); here they are information (MEM_LIMIT).
c.JupyterHub.active_server_limit = len(learners) + 1
c.JupyterHub.concurrent_spawn_limit = 10
c.Spawner.mem_limit = os.environ.get("CLASSROOM_MEM_LIMIT") or "2G"

address = f"http://{hub.room_address(ip)}:{port}/"
where = "this machine only (HOST=0.0.0.0 opens it to the room)" if hub.is_loopback(ip) else "give it out"
print(f"Classroom hub for {len(learners)} learners and {teacher!r}: {address} ({where})", flush=True)
print(f"Logins and passwords: {passwords} (yours alone; hand each learner their line)", flush=True)
print(
    f"Idle kernels stop {hub.describe_minutes(kernel_idle)}, idle learners' servers "
    f"{hub.describe_minutes(server_idle)} (make classroom KERNEL_IDLE=minutes SERVER_IDLE=minutes; 0: never)",
    flush=True,
)
if os.getuid() == 0 and not hub.is_loopback(ip):
    print("Warning: running as root gives every learner root's rights on this machine (docs/teaching.md)")
