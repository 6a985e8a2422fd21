#!/usr/bin/env python3
"""A fake `anka` CLI for Hangar's tests: speaks `anka -j` JSON, keeps its state in a directory.

State directory: $FAKE_ANKA_STATE (required). What it checks and what it does not: README.md.
"""
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

APPLE_LIMIT = ('Failed to start the VM: Error Domain=VZErrorDomain Code=6 "The number of virtual machines '
               'exceeds the limit. The maximum supported number of active virtual machines has been reached."')

DEFAULT_CONFIG = {
    "version": {"product": "Anka Virtualization", "version": "3.5.3", "build": "197"},
    "licence": {"status": "valid", "license_type": "com.veertu.anka.build", "product": "Anka Build Enterprise"},
    "max_running": 2,
    "registry": {},
    "pull_seconds": 0.0,
    "pull_steps": 4,
    "available_bytes": 500 * 1024 ** 3,
    "fail": {},
}

FAKE_RUNNER = r"""#!/bin/bash
# fake GitHub Actions runner (fake anka): takes --jitconfig, runs the job hooks like the real runner,
# and ends when $HOME/.fake-runner-finish appears; its content is the exit code.
config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jitconfig) config="$2"; shift 2 ;;
    *) echo "fake runner: unknown argument $1" >&2; exit 64 ;;
  esac
done
[ -n "$config" ] || { echo "fake runner: --jitconfig is required" >&2; exit 64; }
printf '%s' "$config" > "$HOME/.fake-runner-received"
if [ -n "${ACTIONS_RUNNER_HOOK_JOB_STARTED:-}" ] && ! /bin/bash -e "$ACTIONS_RUNNER_HOOK_JOB_STARTED"; then
  # as GitHub's runner: a failing job-started hook fails the job, whose steps never run
  echo "fake runner: the job-started hook failed; job failed" > "$HOME/.fake-job-failed"
  exit 0
fi
while [ ! -f "$HOME/.fake-runner-finish" ]; do sleep 0.1; done
if [ -n "${ACTIONS_RUNNER_HOOK_JOB_COMPLETED:-}" ]; then /bin/bash "$ACTIONS_RUNNER_HOOK_JOB_COMPLETED"; fi
exit "$(cat "$HOME/.fake-runner-finish")"
"""

STATE = None
CONFIG = None


class AnkaError(Exception):
    def __init__(self, message, code=1, exception_type="AnkaException"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.exception_type = exception_type


def not_found(name):
    return AnkaError(f"{name}: not found", 3, "VMNotFoundException")


def emit(obj, final=True):
    text = json.dumps(obj)
    # Like the real CLI, the final JSON has no trailing newline; progress lines do.
    sys.stdout.write(text if final else text + "\n")
    sys.stdout.flush()


def ok(body=None, message=""):
    emit({"status": "OK", "code": 0, "body": {} if body is None else body, "message": message})
    return 0


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def path(*parts):
    return os.path.join(STATE, *parts)


def read_json(p, default=None):
    try:
        with open(p) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(p, data):
    tmp = p + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, p)


def load_config():
    cfg = json.loads(json.dumps(DEFAULT_CONFIG))
    cfg.update(read_json(path("config.json"), {}))
    return cfg


def maybe_fail(command, stage="before"):
    """Injected failures: config "fail": {"<command>": {"times": n, "message": m, "code": c, "after_lines": k}}."""
    spec = CONFIG.get("fail", {}).get(command)
    if not spec or spec.get("stage", "before") != stage:
        return
    if spec.get("times", 1) <= 0:
        return
    cfg = read_json(path("config.json"), {})
    cfg.setdefault("fail", {})[command] = dict(spec, times=spec.get("times", 1) - 1)
    write_json(path("config.json"), cfg)
    raise AnkaError(spec.get("message", f"fake: injected failure of {command}"), spec.get("code", 1))


# ---- options -------------------------------------------------------------------------------------

def parse(args, flags=(), valued=()):
    """Splits args into (options, positionals); an unknown option is an error, as in the real CLI."""
    opts, pos, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1 and not pos:
            if a in flags:
                opts[a] = True
            elif a in valued:
                if i + 1 >= len(args):
                    raise AnkaError(f"option {a} requires a value")
                opts[a] = args[i + 1]
                i += 1
            else:
                raise AnkaError(f"no such option: {a}")
        else:
            pos.append(a)
        i += 1
    return opts, pos


def opt(opts, *names):
    for n in names:
        if n in opts:
            return opts[n]
    return None


# ---- library -------------------------------------------------------------------------------------

def template_meta(name):
    return read_json(path("templates", name, "meta.json"))


def vm_meta(name):
    return read_json(path("vms", name, "meta.json"))


def save_vm(meta):
    write_json(path("vms", meta["name"], "meta.json"), meta)


def running_count():
    vms_dir = path("vms")
    if not os.path.isdir(vms_dir):
        return 0
    return sum(1 for n in os.listdir(vms_dir) if (vm_meta(n) or {}).get("status") == "running")


def list_entry(kind, meta):
    entry = {"name": meta["name"], "uuid": meta["uuid"], "creation_date": meta["creation_date"],
             "status": meta.get("status", "stopped")}
    if kind == "template":
        entry["version"] = meta["version"]
    return entry


def show_body(meta, kind):
    body = {"uuid": meta["uuid"], "name": meta["name"], "creation_date": meta["creation_date"],
            "cpu_cores": meta["cpu_cores"], "ram": str(meta["ram_size"]), "ram_size": meta["ram_size"],
            "hard_drive": meta["hard_drive"], "image_size": meta.get("image_size", meta["hard_drive"] // 8),
            "status": meta.get("status", "stopped")}
    if kind == "template":
        body["version"] = meta["version"]
    if body["status"] == "running":
        body["ip"] = "192.168.64.%d" % (2 + sum(meta["name"].encode()) % 200)
    return body


def find(name):
    meta = vm_meta(name)
    if meta:
        return "vm", meta
    meta = template_meta(name)
    if meta:
        return "template", meta
    raise not_found(name)


def kill_vm_processes(name):
    pgids_file = path("vms", name, "pgids")
    try:
        with open(pgids_file) as f:
            pgids = [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in pgids:
            try:
                os.killpg(pgid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.1)
    os.remove(pgids_file)


def start_vm(meta):
    if meta.get("status") == "running":
        return
    if CONFIG["licence"].get("status") != "valid":
        raise AnkaError("license is not valid: cannot start VMs", 1, "LicenseException")
    if running_count() >= CONFIG["max_running"]:
        raise AnkaError(APPLE_LIMIT, 1, "VMStartException")
    meta["status"] = "running"
    save_vm(meta)


# ---- commands ------------------------------------------------------------------------------------

def cmd_version(args):
    parse(args)
    return ok(CONFIG["version"])


def cmd_license(args):
    if not args or args[0] != "show":
        raise AnkaError("usage: license <command>")
    parse(args[1:])
    return ok(CONFIG["licence"])


def cmd_list(args):
    opts, pos = parse(args, flags=("-r", "--running", "-s", "--stopped", "-a", "--all"), valued=("-f", "--field"))
    entries = []
    if pos:
        for name in pos:
            kind, meta = find(name)
            entries.append(list_entry(kind, meta))
    else:
        for kind, folder, reader in (("template", "templates", template_meta), ("vm", "vms", vm_meta)):
            d = path(folder)
            for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                meta = reader(n)
                if meta:
                    entries.append(list_entry(kind, meta))
    if opt(opts, "-r", "--running"):
        entries = [e for e in entries if e["status"] == "running"]
    if opt(opts, "-s", "--stopped"):
        entries = [e for e in entries if e["status"] != "running"]
    return ok(entries)


def cmd_show(args):
    opts, pos = parse(args, valued=("-t", "--tag"))
    if len(pos) != 1:
        raise AnkaError("usage: show [options] vmid")
    kind, meta = find(pos[0])
    return ok(show_body(meta, kind))


def registry_template(name, tag):
    reg = CONFIG["registry"].get(name)
    if reg is None:
        raise not_found(name)
    tags = reg.get("tags", ["latest"])
    chosen = tag if tag is not None else tags[-1]
    if chosen not in tags:
        raise AnkaError(f"{name}: tag {chosen}: not found", 3, "VMNotFoundException")
    return reg, chosen


def do_pull(opts, pos):
    if len(pos) != 1:
        raise AnkaError("usage: pull [options] vmid")
    name = pos[0]
    tag = opt(opts, "-t", "--tag")
    reg, chosen = registry_template(name, tag)
    local = template_meta(name)
    if opt(opts, "--check-download-size"):
        if local and local["version"] == chosen:
            return ok({}, f"{name}: available locally")
        return ok({"size": reg.get("image_size", 20 * 1024 ** 3), "cached": 0,
                   "available": CONFIG["available_bytes"]})
    if local and local["version"] == chosen:
        return ok({}, f"{name}: available locally")
    fail = CONFIG.get("fail", {}).get("registry pull")
    steps = max(1, int(CONFIG["pull_steps"]))
    for i in range(steps):
        if fail and fail.get("stage") == "mid" and i == fail.get("after_lines", 1):
            maybe_fail("registry pull", "mid")
        time.sleep(float(CONFIG["pull_seconds"]) / steps)
        emit({"status": "OK", "code": 0, "body": {"downloaded": i + 1, "total": steps},
              "message": f"pulling {name} ({100 * (i + 1) // steps}%)"}, final=False)
    tdir = path("templates", name)
    staging = path("templates", f".pull-{name}-{uuid.uuid4()}")
    os.makedirs(os.path.join(staging, "home", "actions-runner"))
    runner = os.path.join(staging, "home", "actions-runner", "run.sh")
    with open(runner, "w") as f:
        f.write(FAKE_RUNNER)
    os.chmod(runner, 0o755)
    meta = {"name": name, "uuid": (local or {}).get("uuid", str(uuid.uuid4())), "version": chosen,
            "creation_date": now(), "status": "stopped", "cpu_cores": reg.get("cpu_cores", 4),
            "ram_size": reg.get("ram_size", 8 * 1024 ** 3), "hard_drive": reg.get("hard_drive", 80 * 1024 ** 3),
            "image_size": reg.get("image_size", 20 * 1024 ** 3), "shrunk": bool(opt(opts, "-s", "--shrink"))}
    write_json(os.path.join(staging, "meta.json"), meta)
    if os.path.isdir(tdir):
        shutil.rmtree(tdir)
    os.replace(staging, tdir)
    return ok({}, f"{name}: pulled {chosen}")


PULL_FLAGS = ("-l", "--local", "--fetch-only", "-s", "--shrink", "--check-download-size", "-q", "--quiet")


def cmd_pull(args):
    maybe_fail("pull")
    opts, pos = parse(args, flags=PULL_FLAGS, valued=("-t", "--tag", "-r", "--registry"))
    return do_pull(opts, pos)


def cmd_registry(args):
    opts, rest = parse_registry_options(args)
    if not rest:
        raise AnkaError("usage: registry [options] <command>")
    sub, sub_args = rest[0], rest[1:]
    if sub == "pull":
        maybe_fail("registry pull")
        o, p = parse(sub_args, flags=PULL_FLAGS, valued=("-t", "--tag"))
        return do_pull(o, p)
    if sub == "list":
        parse(sub_args)
        return ok([{"id": n, "name": n, "latest": r.get("tags", ["latest"])[-1]}
                   for n, r in sorted(CONFIG["registry"].items())])
    if sub == "show":
        o, p = parse(sub_args, valued=("-t", "--tag"))
        if len(p) != 1:
            raise AnkaError("usage: show [options] vmid [param...]")
        reg, chosen = registry_template(p[0], opt(o, "-t", "--tag"))
        return ok({"name": p[0], "version": chosen, "cpu_cores": reg.get("cpu_cores", 4),
                   "ram_size": reg.get("ram_size", 8 * 1024 ** 3), "hard_drive": reg.get("hard_drive", 80 * 1024 ** 3),
                   "image_size": reg.get("image_size", 20 * 1024 ** 3)})
    raise AnkaError(f"no such command: registry {sub}")


def parse_registry_options(args):
    opts, i = {}, 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("-r", "--remote", "--cert", "--key", "--cacert", "--api-key-id", "--api-key"):
            if i + 1 >= len(args):
                raise AnkaError(f"option {a} requires a value")
            opts[a] = args[i + 1]
            i += 2
        elif a == "--insecure":
            opts[a] = True
            i += 1
        else:
            raise AnkaError(f"no such option: {a}")
    remote = opt(opts, "-r", "--remote")
    known = CONFIG.get("remotes")
    if remote is not None and known is not None and remote not in known:
        raise AnkaError(f"registry {remote}: not found", 3, "RegistryNotFoundException")
    return opts, args[i:]


def cmd_clone(args):
    maybe_fail("clone")
    opts, pos = parse(args, flags=("-c", "--copy"), valued=("-t", "--tag"))
    if len(pos) != 2:
        raise AnkaError("usage: clone [options] vmid name")
    source, name = pos
    tmeta = template_meta(source)
    if tmeta is None:
        raise not_found(source)
    tag = opt(opts, "-t", "--tag")
    if tag is not None and tag != tmeta["version"]:
        raise AnkaError(f"{source}: tag {tag}: not found", 3, "VMNotFoundException")
    if vm_meta(name) or template_meta(name):
        raise AnkaError(f"{name}: already exists", 18, "NameAlreadyExistsException")
    vdir = path("vms", name)
    os.makedirs(path("vms"), exist_ok=True)
    staging = path("vms", f".clone-{name}-{uuid.uuid4()}")
    shutil.copytree(path("templates", source, "home"), os.path.join(staging, "home"), symlinks=True)
    meta = {"name": name, "uuid": str(uuid.uuid4()), "template": source, "template_version": tmeta["version"],
            "creation_date": now(), "status": "stopped", "cpu_cores": tmeta["cpu_cores"],
            "ram_size": tmeta["ram_size"], "hard_drive": tmeta["hard_drive"],
            "linked": not opt(opts, "-c", "--copy")}
    write_json(os.path.join(staging, "meta.json"), meta)
    os.replace(staging, vdir)
    return ok({"uuid": meta["uuid"], "name": name})


def vm_or_not_found(name):
    meta = vm_meta(name)
    if meta is None:
        if template_meta(name):
            raise AnkaError(f"{name} is a template; clone it first")
        raise not_found(name)
    return meta


def cmd_start(args):
    maybe_fail("start")
    opts, pos = parse(args, flags=("-f", "--force", "-u", "--update-addons"), valued=("-o", "--optical-drive"))
    if not pos:
        raise AnkaError("usage: start [options] vmid")
    for name in pos:
        start_vm(vm_or_not_found(name))
    return ok({})


def cmd_stop(args):
    maybe_fail("stop")
    opts, pos = parse(args, flags=("-f", "--force"), valued=("-t", "--timeout"))
    if not pos:
        raise AnkaError("usage: stop [options] vmid...")
    for name in pos:
        meta = vm_or_not_found(name)
        kill_vm_processes(name)
        meta["status"] = "stopped"
        save_vm(meta)
    return ok({})


def cmd_delete(args):
    maybe_fail("delete")
    opts, pos = parse(args, flags=("-a", "--all", "--yes", "--cache"), valued=("-t", "--tag"))
    if not opt(opts, "--yes"):
        raise AnkaError("deletion needs confirmation: stdin is not a terminal (use --yes)")
    if not pos:
        raise AnkaError("usage: delete [options] vmid...")
    for name in pos:
        vm_or_not_found(name)
        kill_vm_processes(name)
        shutil.rmtree(path("vms", name))
    return ok({})


def guest_path(spec):
    """'vm:path' -> (vm meta, absolute host path of path inside the VM's home)."""
    name, _, inner = spec.partition(":")
    meta = vm_or_not_found(name)
    if inner.startswith("/"):
        raise AnkaError("fake anka: absolute guest paths are not supported")
    if ".." in inner.split("/"):
        raise AnkaError("fake anka: '..' in guest paths is not supported")
    return meta, os.path.join(path("vms", name, "home"), inner)


def cmd_cp(args):
    maybe_fail("cp")
    opts, pos = parse(args, flags=("-R", "-L", "-H", "-P", "-f", "-n", "-p", "-a", "-v"))
    if len(pos) < 2:
        raise AnkaError("usage: cp [options] src... dst")
    *sources, dst = pos
    if ":" not in dst or any(":" in s for s in sources):
        raise AnkaError("fake anka: only host -> VM copies (src... vm:path) are supported")
    meta, target = guest_path(dst)
    if meta.get("status") != "running":
        raise AnkaError(f"{meta['name']} is not running")
    recursive = opt(opts, "-R", "-a")
    for src in sources:
        if not os.path.exists(src):
            raise AnkaError(f"{src}: No such file or directory")
        dest = os.path.join(target, os.path.basename(src.rstrip("/"))) if os.path.isdir(target) or dst.endswith(":") else target
        if os.path.isdir(src):
            if not recursive:
                raise AnkaError(f"{src} is a directory (not copied)")
            shutil.copytree(src, dest, dirs_exist_ok=True, copy_function=shutil.copy2)
        else:
            shutil.copy2(src, dest)
    return ok({})


def cmd_run(args):
    maybe_fail("run")
    opts, pos = parse(args, flags=("-E", "-Q", "--quiet", "-b", "--background", "-n", "--no-volume"),
                      valued=("-D", "-w", "--workdir", "-e", "-f", "--env-file", "-v", "--volume"))
    if len(pos) < 2:
        raise AnkaError("usage: run [options] vmid command...")
    name, command = pos[0], pos[1:]
    meta = vm_or_not_found(name)
    start_vm(meta)  # `anka run` starts a stopped VM
    home = path("vms", name, "home")
    env = {"HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "USER": "anka", "SHELL": "/bin/zsh"}
    sys.stdout.flush()
    proc = subprocess.Popen(command, cwd=home, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    with open(path("vms", name, "pgids"), "a") as f:
        f.write(f"{proc.pid}\n")
    return proc.wait()


COMMANDS = {
    "version": cmd_version, "license": cmd_license, "list": cmd_list, "show": cmd_show, "pull": cmd_pull,
    "registry": cmd_registry, "clone": cmd_clone, "start": cmd_start, "stop": cmd_stop, "delete": cmd_delete,
    "cp": cmd_cp, "run": cmd_run,
}

# Commands that only read: they run without the state lock, like concurrent anka invocations.
UNLOCKED = {"version", "license"}


def main(argv):
    global STATE, CONFIG
    STATE = os.environ.get("FAKE_ANKA_STATE")
    if not STATE:
        sys.stderr.write("fake anka: FAKE_ANKA_STATE is not set\n")
        return 2
    os.makedirs(STATE, exist_ok=True)
    with open(path("argv.log"), "a") as log:
        log.write(json.dumps(argv) + "\n")
    if not argv or argv[0] not in ("-j", "--machine-readable"):
        sys.stderr.write("fake anka: only the machine-readable form (anka -j ...) is implemented\n")
        return 2
    args = argv[1:]
    if not args or args[0] not in COMMANDS:
        return error(AnkaError(f"no such command: {args[0] if args else ''}"))
    command = args[0]
    if command == "run":
        with locked():
            CONFIG = load_config()
            try:
                # validate and start under the lock, then run the command without it
                opts, pos = parse(args[1:], flags=("-E", "-Q", "--quiet", "-b", "--background", "-n", "--no-volume"),
                                  valued=("-D", "-w", "--workdir", "-e", "-f", "--env-file", "-v", "--volume"))
                maybe_fail("run")
                if len(pos) < 2:
                    raise AnkaError("usage: run [options] vmid command...")
                start_vm(vm_or_not_found(pos[0]))
            except AnkaError as e:
                return error(e)
        CONFIG["fail"] = {}
        return cmd_run(args[1:])
    if command in UNLOCKED:
        CONFIG = load_config()
        return dispatch(command, args[1:])
    with locked():
        CONFIG = load_config()
        return dispatch(command, args[1:])


def dispatch(command, args):
    try:
        return COMMANDS[command](args)
    except AnkaError as e:
        return error(e)


def error(e):
    emit({"status": "ERROR", "code": e.code, "body": {}, "message": e.message, "exception_type": e.exception_type})
    return 1


class locked:
    def __enter__(self):
        self.f = open(path(".lock"), "a")
        fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
