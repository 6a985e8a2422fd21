#!/usr/bin/env python3
"""A fake `tart` CLI for Hangar's tests: keeps its state in a directory, fails like Tart.

State directory: $FAKE_TART_STATE (required). What it checks and what it does not: README.md.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake-common"))
from fakevm import Locked, kill_process_groups, load_config as load_config_file, read_json, use_failure, write_fake_runner, write_json  # noqa: E402

APPLE_LIMIT = {
    # macOS 15 and later
    "new": "The number of VMs exceeds the system limit",
    # macOS 13/14: the VZError as Tart printed it
    "old": ('Error Domain=VZErrorDomain Code=6 "The maximum supported number of active virtual machines has been '
            'reached." UserInfo={NSLocalizedFailure=The number of virtual machines exceeds the limit., '
            'NSLocalizedFailureReason=The maximum supported number of active virtual machines has been reached.}'),
}

DEFAULT_CONFIG = {
    "version": "2.31.0",
    "max_running": 2,
    "limit_text": "new",
    # "<repository>": {"tags": [...], "size_gb": n, "disk_gb": n}
    "registry": {},
    "pull_seconds": 0.0,
    "pull_steps": 4,
    "boot_seconds": 0.0,
    "guest_agent": True,
    "agent_seconds": 0.0,
    "fail": {},
}

STATE = None
CONFIG = None


class TartError(Exception):
    """An error as Tart prints it: one line on stderr, then the exit code (1, 2, or 64 for usage)."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def usage(message):
    # swift-argument-parser: "Error: <message>" and a usage line, exit 64 (EX_USAGE)
    return TartError(f"Error: {message}\nUsage: tart <subcommand>\n  See 'tart --help' for more information.", 64)


def vm_missing(name):
    return TartError(f'the specified VM "{name}" does not exist', 2)


def path(*parts):
    return os.path.join(STATE, *parts)


def load_config():
    return load_config_file(path("config.json"), DEFAULT_CONFIG)


def maybe_fail(command, stage="before"):
    """Injected failures: config "fail": {"<command>": {"times": n, "stage": s, "message": m, "exit": c}}."""
    spec = use_failure(path("config.json"), CONFIG, command, stage)
    if spec:
        raise TartError(spec.get("message", f"Error: fake: injected failure of {command}"), spec.get("exit", 1))


def parse(args, flags=(), valued=(), positionals=None):
    """Options anywhere, like swift-argument-parser; an unknown option is a usage error (exit 64)."""
    opts, pos, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            pos.extend(args[i + 1:])
            break
        if a.startswith("-") and len(a) > 1:
            name, eq, value = a.partition("=")
            if name in flags and not eq:
                opts[name] = True
            elif name in valued:
                if eq:
                    opts[name] = value
                elif i + 1 < len(args):
                    opts[name] = args[i + 1]
                    i += 1
                else:
                    raise usage(f"Missing value for '{name} <value>'")
            else:
                raise usage(f"Unknown option '{a}'")
        else:
            pos.append(a)
        i += 1
    if positionals is not None and len(pos) != positionals:
        if len(pos) < positionals:
            raise usage("Missing expected argument")
        raise usage(f"Unexpected argument '{pos[positionals]}'")
    return opts, pos


# ---- storage ---------------------------------------------------------------------------------------

def is_remote(name):
    """A remote name has a registry host with a dot or port, a path, and a tag or digest."""
    host, slash, rest = name.partition("/")
    return bool(slash) and ("." in host or ":" in host or host == "localhost") and bool(rest)


def split_remote(name):
    """'host/ns:tag' -> (repository, tag, None); 'host/ns@sha256:x' -> (repository, None, digest)."""
    if "@" in name:
        repo, _, digest = name.partition("@")
        return repo, None, digest
    repo, tag = name, "latest"
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        repo, _, tag = name.rpartition(":")
    return repo, tag, None


def oci_key(repo, ref):
    return hashlib.sha1(f"{repo}|{ref}".encode()).hexdigest()


def tags_index():
    return read_json(path("oci", "tags.json"), {})


def save_tags(index):
    os.makedirs(path("oci"), exist_ok=True)
    write_json(path("oci", "tags.json"), index)


def digest_dir(digest):
    return path("oci", "digests", digest.replace(":", "-"))


def oci_image(name):
    """The digest directory an OCI name resolves to, or None."""
    repo, tag, digest = split_remote(name)
    if digest is None:
        digest = tags_index().get(f"{repo}:{tag}")
    if digest and os.path.isdir(digest_dir(digest)):
        return digest_dir(digest)
    return None


def touch(meta_file):
    meta = read_json(meta_file)
    meta["accessed"] = time.time()
    write_json(meta_file, meta)


def gc():
    """Tart's VMStorageOCI.gc(): digests no tag points to are deleted."""
    live = set(tags_index().values())
    d = path("oci", "digests")
    for n in os.listdir(d) if os.path.isdir(d) else []:
        meta = read_json(os.path.join(d, n, "meta.json"), {})
        if meta.get("digest") not in live:
            shutil.rmtree(os.path.join(d, n))


def vm_dir(name):
    return path("vms", name)


def vm_meta(name):
    return read_json(os.path.join(vm_dir(name), "meta.json"))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def run_pid(name):
    try:
        with open(os.path.join(vm_dir(name), "run.pid")) as f:
            pid = int(f.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0
    return pid if pid and alive(pid) else 0


def running_count():
    """Every live `tart run` process, also one whose VM directory was deleted under it."""
    d = path("running")
    n = 0
    for p in os.listdir(d) if os.path.isdir(d) else []:
        if alive(int(p)):
            n += 1
        else:
            os.remove(os.path.join(d, p))
    return n


def relative(seconds_ago):
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400),
                       ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds_ago >= size:
            n = int(seconds_ago // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def entry(source, name, meta, running):
    return {"Source": source, "Name": name, "Disk": meta["disk_gb"], "Size": meta["size_gb"],
            "Accessed": relative(time.time() - meta.get("accessed", time.time())), "Running": running,
            "State": "running" if running else "stopped"}


# ---- commands ----------------------------------------------------------------------------------------

def cmd_list(args):
    opts, _ = parse(args, flags=("-q", "--quiet"), valued=("--source", "--format"), positionals=0)
    source = opts.get("--source")
    if source is not None and source not in ("local", "oci"):
        raise usage(f"'{source}' is not a valid <source>")
    fmt = opts.get("--format", "text")
    if fmt not in ("text", "json"):
        raise usage(f"The value '{fmt}' is invalid for '--format <format>'")
    infos = []
    if source in (None, "local"):
        d = path("vms")
        for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            meta = vm_meta(n)
            if meta:
                infos.append(entry("local", n, meta, run_pid(n) != 0))
    if source in (None, "oci"):
        oci = []
        for ref, digest in tags_index().items():
            meta = read_json(os.path.join(digest_dir(digest), "meta.json"))
            if meta:
                oci.append(entry("OCI", ref, meta, False))
                oci.append(entry("OCI", f"{ref.rpartition(':')[0]}@{digest}", meta, False))
        uniq = {e["Name"]: e for e in oci}
        infos.extend(uniq[k] for k in sorted(uniq))
    if opts.get("-q") or opts.get("--quiet"):
        for i in infos:
            print(i["Name"])
    elif fmt == "json":
        print(json.dumps(infos, indent=2))
    else:
        print("Source Name Disk Size Accessed State")
        for i in infos:
            print(f"{i['Source']} {i['Name']} {i['Disk']} {i['Size']} {i['Accessed']} {i['State']}")
    return 0


def do_pull(name):
    repo, tag, digest = split_remote(name)
    reg = CONFIG["registry"].get(repo)
    known_tags = (reg or {}).get("tags", ["latest"])
    if reg is None or (tag is not None and tag not in known_tags):
        code = "NAME_UNKNOWN" if reg is None else "MANIFEST_UNKNOWN"
        raise TartError('Error: UnexpectedHTTPStatusCode(when: "pulling manifest", code: 404, details: '
                        '"{\\"errors\\":[{\\"code\\":\\"' + code + '\\",\\"message\\":\\"manifest unknown\\"}]}")')
    print("pulling manifest...", flush=True)
    digest = digest or "sha256:" + hashlib.sha256(f"{repo}:{tag}:{reg.get('generation', 0)}".encode()).hexdigest()
    index = tags_index()
    if tag is not None and index.get(f"{repo}:{tag}") == digest and os.path.isdir(digest_dir(digest)):
        print(f"{repo}@{digest} image is already cached and linked!", flush=True)
        return 0
    if not os.path.isdir(digest_dir(digest)):
        steps = max(1, int(CONFIG["pull_steps"]))
        print(f"pulling disk ({reg.get('size_gb', 20)} GB compressed)...", flush=True)
        fail = CONFIG.get("fail", {}).get("pull")
        for i in range(steps):
            if fail and fail.get("stage") == "mid" and i == fail.get("after_lines", 1):
                maybe_fail("pull", "mid")
            time.sleep(float(CONFIG["pull_seconds"]) / steps)
            print(f"{100 * (i + 1) // steps}%", flush=True)
        staging = path("oci", f".pull-{uuid.uuid4()}")
        write_fake_runner(os.path.join(staging, "home"))
        write_json(os.path.join(staging, "meta.json"), {"digest": digest, "repository": repo,
                                                        "size_gb": reg.get("size_gb", 20),
                                                        "disk_gb": reg.get("disk_gb", 50), "accessed": time.time()})
        os.makedirs(path("oci", "digests"), exist_ok=True)
        os.replace(staging, digest_dir(digest))
    if tag is not None:
        index[f"{repo}:{tag}"] = digest
        save_tags(index)
        gc()
    touch(os.path.join(digest_dir(digest), "meta.json"))
    return 0


def cmd_pull(args):
    maybe_fail("pull")
    _, pos = parse(args, flags=("--insecure", "--deduplicate"), valued=("--concurrency",), positionals=1)
    if not is_remote(pos[0]):
        raise TartError(f"Error: failed to parse remote name: {pos[0]}")
    return do_pull(pos[0])


def cmd_clone(args):
    maybe_fail("clone")
    _, pos = parse(args, flags=("--insecure", "--deduplicate"), valued=("--concurrency", "--prune-limit"),
                   positionals=2)
    source, new = pos
    if "/" in new:
        raise usage("<new-name> should be a local name")
    if is_remote(source) and oci_image(source) is None:
        do_pull(source)  # `tart clone` pulls a missing remote image
    src = oci_image(source) if is_remote(source) else (vm_dir(source) if vm_meta(source) else None)
    if src is None:
        raise vm_missing(source)
    touch(os.path.join(src, "meta.json"))
    meta = read_json(os.path.join(src, "meta.json"))
    staging = path("vms", f".clone-{uuid.uuid4()}")
    os.makedirs(path("vms"), exist_ok=True)
    shutil.copytree(os.path.join(src, "home"), os.path.join(staging, "home"), symlinks=True)
    write_json(os.path.join(staging, "meta.json"), {"source": source, "size_gb": meta["size_gb"],
                                                    "disk_gb": meta["disk_gb"], "accessed": time.time()})
    # Tart moves the clone over an existing VM of the same name (FileManager.replaceItemAt): no error
    if os.path.isdir(vm_dir(new)):
        shutil.rmtree(vm_dir(new))
    os.replace(staging, vm_dir(new))
    return 0


def kill_guest_processes(name):
    kill_process_groups(os.path.join(vm_dir(name), "pgids"))


def cmd_run(args):
    maybe_fail("run")
    _, pos = parse(args, flags=("--no-graphics", "--graphics", "--no-audio", "--nested", "--net-softnet",
                                "--suspendable", "--recovery", "--serial"),
                   valued=("--dir", "--net-bridged", "--disk", "--vnc"), positionals=1)
    name = pos[0]
    with locked():
        if vm_meta(name) is None:
            raise vm_missing(name)
        if run_pid(name):
            raise TartError(f'VM "{name}" is already running!', 2)
        if running_count() >= CONFIG["max_running"]:
            raise TartError("Error: " + APPLE_LIMIT[CONFIG["limit_text"]])
        with open(os.path.join(vm_dir(name), "run.pid"), "w") as f:
            f.write(str(os.getpid()))
        os.makedirs(path("running"), exist_ok=True)
        open(path("running", str(os.getpid())), "w").close()
        touch(os.path.join(vm_dir(name), "meta.json"))
    stop = {"requested": False}

    def on_signal(signum, frame):
        stop["requested"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"fake tart: VM {name} is running", flush=True)
    # Fake only: once a test has removed the fake's state directory nothing can `tart stop` this VM,
    # so it stops by itself rather than outlive the test run.
    while not stop["requested"] and os.path.isdir(STATE):
        time.sleep(0.05)
    if os.path.isdir(vm_dir(name)):
        kill_guest_processes(name)
        try:
            os.remove(os.path.join(vm_dir(name), "run.pid"))
        except FileNotFoundError:
            pass
    try:
        os.remove(path("running", str(os.getpid())))
    except FileNotFoundError:
        pass
    print("guest has stopped the virtual machine", flush=True)
    return 0


def running_vm(name):
    if vm_meta(name) is None:
        raise vm_missing(name)
    if not run_pid(name):
        raise TartError(f'VM "{name}" is not running', 2)


def cmd_ip(args):
    maybe_fail("ip")
    opts, pos = parse(args, valued=("--wait", "--resolver"), positionals=1)
    name = pos[0]
    wait = int(opts.get("--wait", 0))
    if vm_meta(name) is None:
        raise vm_missing(name)
    deadline = time.time() + wait
    while True:
        pid = run_pid(name)
        if pid and time.time() - os.path.getmtime(os.path.join(vm_dir(name), "run.pid")) >= CONFIG["boot_seconds"]:
            print("192.168.64.%d" % (2 + sum(name.encode()) % 200))
            return 0
        if time.time() >= deadline:
            raise TartError("no IP address found" + ("" if pid else ", is your VM running?"))
        time.sleep(0.1)


def cmd_exec(args):
    maybe_fail("exec")
    # options only before the VM name; everything after it is the command (captureForPassthrough)
    i, interactive = 0, False
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-i":
            interactive = True
        elif args[i] != "-t":
            raise usage(f"Unknown option '{args[i]}'")
        i += 1
    if len(args) - i < 2:
        raise usage("Missing expected argument '<command> ...'")
    name, command = args[i], args[i + 1:]
    running_vm(name)
    started = os.path.getmtime(os.path.join(vm_dir(name), "run.pid"))
    if not CONFIG["guest_agent"] or time.time() - started < CONFIG["agent_seconds"]:
        raise TartError("Error: Failed to connect to the VM using its control socket: connection refused,"
                        " is the Tart Guest Agent running?")
    home = os.path.join(vm_dir(name), "home")
    env = {"HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "USER": "admin"}
    sys.stdout.flush()
    proc = subprocess.Popen(command, cwd=home, env=env, stdin=None if interactive else subprocess.DEVNULL,
                            start_new_session=True)
    with open(os.path.join(vm_dir(name), "pgids"), "a") as f:
        f.write(f"{proc.pid}\n")
    return proc.wait()


def cmd_stop(args):
    maybe_fail("stop")
    opts, pos = parse(args, valued=("-t", "--timeout"), positionals=1)
    name = pos[0]
    if vm_meta(name) is None:
        raise vm_missing(name)
    pid = run_pid(name)
    if not pid:
        return 0  # a stopped VM: nothing to do
    os.kill(pid, signal.SIGINT)
    deadline = time.time() + int(opts.get("-t", opts.get("--timeout", 30)))
    while alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
        kill_guest_processes(name)
    return 0


def cmd_delete(args):
    maybe_fail("delete")
    _, pos = parse(args)
    if not pos:
        raise usage("Missing expected argument '<name> ...'")
    for name in pos:
        if is_remote(name):
            repo, tag, digest = split_remote(name)
            index = tags_index()
            if digest is None:
                if f"{repo}:{tag}" not in index:
                    raise vm_missing(name)
                del index[f"{repo}:{tag}"]
                save_tags(index)
            elif not os.path.isdir(digest_dir(digest)):
                raise vm_missing(name)
            else:
                shutil.rmtree(digest_dir(digest))
            gc()
        else:
            if vm_meta(name) is None:
                raise vm_missing(name)
            # like Tart (FileManager.removeItem): a running VM's files go, its `tart run` keeps running
            shutil.rmtree(vm_dir(name))
    return 0


COMMANDS = {"list": cmd_list, "pull": cmd_pull, "clone": cmd_clone, "run": cmd_run, "ip": cmd_ip,
            "exec": cmd_exec, "stop": cmd_stop, "delete": cmd_delete}

# run, exec and ip run without the state lock: they block, as the real ones do
UNLOCKED = {"run", "exec", "ip"}


def main(argv):
    global STATE, CONFIG
    STATE = os.environ.get("FAKE_TART_STATE")
    if not STATE:
        sys.stderr.write("fake tart: FAKE_TART_STATE is not set\n")
        return 2
    os.makedirs(STATE, exist_ok=True)
    with open(path("argv.log"), "a") as log:
        log.write(json.dumps(argv) + "\n")
    CONFIG = load_config()
    if argv == ["--version"]:
        print(CONFIG["version"])
        return 0
    if not argv or argv[0] not in COMMANDS:
        return error(usage(f"Unexpected argument '{argv[0]}'" if argv else "Missing subcommand"))
    try:
        if argv[0] in UNLOCKED:
            return COMMANDS[argv[0]](argv[1:])
        with locked():
            return COMMANDS[argv[0]](argv[1:])
    except TartError as e:
        return error(e)


def error(e):
    sys.stdout.flush()
    sys.stderr.write(e.message + "\n")
    sys.stderr.flush()
    return e.exit_code


def locked():
    return Locked(path(".lock"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
