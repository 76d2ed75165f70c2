"""Local stand-ins for the base images the Dockerfiles and docker-compose.yml name, for
engines that cannot pull from a registry (air-gapped CI, a machine without Docker Hub):

- the Python base (`ARG PYTHON_IMAGE`, e.g. `python:3.11-slim-bookworm`): Debian bookworm
  from `debootstrap --variant=minbase` with Debian's python3 (3.11) and CA certificates;
- the uv image (`ghcr.io/astral-sh/uv:<version>`): `FROM scratch` with `/uv` and `/uvx`
  taken from the uv wheel of the same version on the package index;
- the PostgreSQL image of docker-compose.yml: Debian's postgresql-15 with an entrypoint that
  honours POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB as the official image does.

    DOCKER_HOST=unix:///path/to/docker.sock python scripts/docker/base_images.py

Every tag is read from the files that use it, so the stand-ins follow the Dockerfiles.
The debootstrap root file system is cached under ~/.cache/medsafe/docker.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "medsafe" / "docker"
PACKAGES = ("python3", "python-is-python3", "ca-certificates")
MIRROR_DEFAULT = "http://deb.debian.org/debian"


def python_tag() -> str:
    """The Python base image the Dockerfiles default to."""
    text = (ROOT / "Dockerfile.core").read_text()
    found = re.search(r"^ARG PYTHON_IMAGE=(\S+)", text, re.M)
    if not found:
        raise RuntimeError("Dockerfile.core has no `ARG PYTHON_IMAGE=...`")
    return found.group(1)


def uv_tag() -> str:
    """The uv image the Dockerfiles copy the uv binary from."""
    found = re.search(r"(ghcr\.io/astral-sh/uv:[\w.]+)", (ROOT / "Dockerfile.core").read_text())
    if not found:
        raise RuntimeError("Dockerfile.core names no ghcr.io/astral-sh/uv image")
    return found.group(1)


def postgres_tag() -> str:
    """The PostgreSQL image docker-compose.yml runs."""
    found = re.search(r"image:\s*(postgres:\S+)", (ROOT / "docker-compose.yml").read_text())
    if not found:
        raise RuntimeError("docker-compose.yml names no postgres image")
    return found.group(1)


def apt_mirror() -> str:
    """The Debian mirror apt uses on this machine (reachable from here by definition)."""
    sources = [Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*")]
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for found in re.finditer(r"(?:URIs:\s*|^deb\s+(?:\[[^\]]*\]\s+)?)(\S+)", text, re.M):
            url = found.group(1).rstrip("/")
            if url.endswith("/debian"):
                return url
    return MIRROR_DEFAULT


def rootfs_tarball(suite: str = "bookworm") -> Path:
    """A minbase Debian root file system with python3, as a tarball (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"{suite}-minbase-{'-'.join(PACKAGES)}.tar"
    if out.exists():
        return out
    if shutil.which("debootstrap") is None:
        install = ["apt-get", "install", "-y", "-q", "debootstrap"]
        if subprocess.run(install, capture_output=True, timeout=300).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=300)
            subprocess.run(install, check=True, capture_output=True, timeout=300)
    with tempfile.TemporaryDirectory(prefix="medsafe-rootfs-") as tmp:
        target = Path(tmp) / "rootfs"
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                suite,
                str(target),
                apt_mirror(),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (target / junk).glob("*"):
                if item.is_file():
                    item.unlink()
        partial = out.with_suffix(".partial")
        subprocess.run(
            ["tar", "--numeric-owner", "-C", str(target), "-cf", str(partial), "."], check=True
        )
        partial.rename(out)
    return out


def _has(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def build_python(client: docker.DockerClient, tag: str) -> None:
    """Import the Debian root file system under the Python base's tag."""
    repo, _, version = tag.rpartition(":")
    client.api.import_image_from_file(
        str(rootfs_tarball()),
        repository=repo,
        tag=version,
        changes=[
            "ENV LANG=C.UTF-8",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            'CMD ["python3"]',
        ],
    )


def uv_binaries(version: str) -> Path:
    """The folder holding `uv` and `uvx` as installed from the uv wheel of `version` (the
    package index's `uv` distribution, in a throwaway environment that uv caches)."""
    probe = "import pathlib, uv; print(pathlib.Path(uv.find_uv_bin()).parent)"
    out = subprocess.run(
        ["uv", "run", "--no-project", "--quiet", "--with", f"uv=={version}", "python", "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def build_uv(client: docker.DockerClient, tag: str) -> None:
    """`FROM scratch` with /uv and /uvx from the uv wheel of the tag's version."""
    version = tag.rpartition(":")[2]
    cached = uv_binaries(version)
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        dockerfile = b'FROM scratch\nCOPY uv uvx /\nENTRYPOINT ["/uv"]\n'
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
        for name in ("uv", "uvx"):
            data = (cached / name).read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True)


def build_postgres(client: docker.DockerClient, tag: str, python: str) -> None:
    """Debian's PostgreSQL on the Debian stand-in, with the official image's entrypoint
    contract (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, `postgres` as command)."""
    client.images.build(
        path=str(HERE),
        dockerfile="postgres.Dockerfile",
        tag=tag,
        buildargs={"BASE_IMAGE": python},
        network_mode="host",
        rm=True,
    )


def ensure_base_images(client: docker.DockerClient, log: bool = True) -> dict[str, float]:
    """Build every stand-in that the engine lacks; returns seconds spent per tag."""
    spent: dict[str, float] = {}
    python, uv, postgres = python_tag(), uv_tag(), postgres_tag()
    for tag, build in (
        (python, lambda: build_python(client, python)),
        (uv, lambda: build_uv(client, uv)),
        (postgres, lambda: build_postgres(client, postgres, python)),
    ):
        if _has(client, tag):
            continue
        started = time.monotonic()
        build()
        spent[tag] = time.monotonic() - started
        if log:
            print(f"built stand-in {tag} in {spent[tag]:.0f} s", file=sys.stderr)
    return spent


def main() -> None:
    client = docker.from_env(timeout=600)
    ensure_base_images(client)


if __name__ == "__main__":
    main()
