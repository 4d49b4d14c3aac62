"""Load and validate the knowledge files; errors name the file, the field path and the problem."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.safe_regex import pattern_problem
from knowledge.schema import Campaign, Guidance, SerialPattern

DATA_DIR = Path(__file__).parent / "data"
# libyaml's safe loader is ~10× faster than the pure-Python one (it matters for cold start).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
GUIDANCE_FILE = "guidance.yaml"
_NESTED = re.compile(r"^([a-z_]+(?:\.[\w-]+)*): (.+)$", re.DOTALL)
CAMPAIGN_DIR = "campaigns"
# The largest shipped file is ~17 KB; a limit far above it keeps a runaway file from being read
# whole (a symlink to an endless stream, a mistaken copy of a log).
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class KnowledgeError:
    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}" if self.field else \
            f"{self.file}: {self.problem}"


class KnowledgeInvalid(Exception):
    """Raised when one or more knowledge files are invalid; `errors` lists every problem."""

    def __init__(self, errors: list[KnowledgeError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class KnowledgeFiles:
    campaigns: list[Campaign]
    guidance: Guidance
    version: str  # a short hash of the files' contents, recorded with verdicts


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if not str(part).startswith("function-after"))


def read_bounded(path: Path, root: Path) -> bytes:
    """The bytes of `path`: a regular file inside `root` (symlinks may not lead out of it) of
    at most MAX_FILE_BYTES. Raises OSError with a plain reason otherwise."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise OSError("it links to a file outside the knowledge folder")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags)  # non-blocking: opening a FIFO must not wait for a writer
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("it is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(f"it is larger than {MAX_FILE_BYTES // 1024} KB")
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew while we read it
        raise OSError(f"it is larger than {MAX_FILE_BYTES // 1024} KB")
    return data


def _unreadable(exc: OSError | UnicodeDecodeError) -> str:
    reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    return f"cannot read the file ({reason})"


def _alias_line(text: str) -> int | None:
    """The line of the first YAML alias (`*name`), if any: aliases can expand to n² objects."""
    if "&" not in text:  # an alias needs an anchor: nothing to look for (the common case)
        return None
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            return mark.line + 1 if mark is not None else 0
    return None


def _read_yaml(path: Path, errors: list[KnowledgeError], root: Path | None = None,
               raw: bytes | None = None) -> object | None:
    try:
        if raw is None:
            raw = read_bounded(path, root or path.parent)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(KnowledgeError(path.name, "", _unreadable(exc)))
        return None
    try:
        alias = _alias_line(text)
        if alias is not None:
            errors.append(KnowledgeError(path.name, f"line {alias}" if alias else "",
                                         "YAML aliases (*name) are not allowed: "
                                         "write the value out in full"))
            return None
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        errors.append(KnowledgeError(path.name, where,
                                     f"not valid YAML ({exc.__class__.__name__})"))
        return None
    except ValueError as exc:  # PyYAML builds dates itself: `2025-13-01` raises here
        errors.append(KnowledgeError(path.name, "", f"not valid YAML: bad value ({exc})"))
        return None
    if not isinstance(data, dict):
        errors.append(KnowledgeError(path.name, "", "the file must hold a mapping at the top"))
        return None
    return data


def _check_patterns(campaign: Campaign, name: str, errors: list[KnowledgeError]) -> bool:
    """Serial pattern rules must be linear-time (knowledge/safe_regex.py)."""
    match = campaign.serial_rule.match
    if isinstance(match, SerialPattern):
        problem = pattern_problem(match.regex)
        if problem:
            errors.append(KnowledgeError(name, "serial_rule.match.regex", problem))
            return False
    return True


def _validate(model: type[Campaign] | type[Guidance], data: object, name: str,
              errors: list[KnowledgeError]) -> Campaign | Guidance | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            field = _field_path(err["loc"])
            nested = _NESTED.match(message)
            if nested:  # a whole-model check names the field at the start of its message
                field = ".".join(p for p in (field, nested.group(1)) if p)
                message = nested.group(2)
            errors.append(KnowledgeError(name, field, message))
        return None


def load_files(data_dir: Path | None = None) -> KnowledgeFiles:
    """Read every campaign file and the guidance file; raise KnowledgeInvalid listing all errors."""
    import hashlib

    root = data_dir or DATA_DIR
    errors: list[KnowledgeError] = []
    digest = hashlib.sha256()
    campaigns: list[Campaign] = []
    seen: dict[str, str] = {}
    campaign_files = sorted((root / CAMPAIGN_DIR).glob("*.yaml"))
    if not campaign_files:
        errors.append(KnowledgeError(str(root / CAMPAIGN_DIR), "", "no campaign files found"))
    for path in campaign_files:
        try:
            raw = read_bounded(path, root)
        except OSError as exc:
            errors.append(KnowledgeError(path.name, "", _unreadable(exc)))
            continue
        digest.update(raw)
        data = _read_yaml(path, errors, root, raw)
        if data is None:
            continue
        campaign = _validate(Campaign, data, path.name, errors)
        if isinstance(campaign, Campaign) and _check_patterns(campaign, path.name, errors):
            if campaign.id in seen:
                errors.append(KnowledgeError(
                    path.name, "id",
                    f"duplicate campaign id {campaign.id!r} (also in {seen[campaign.id]})"))
                continue
            seen[campaign.id] = path.name
            campaigns.append(campaign)
    guidance: Guidance | None = None
    guidance_path = root / GUIDANCE_FILE
    if not guidance_path.exists():
        errors.append(KnowledgeError(GUIDANCE_FILE, "", "file is missing"))
    else:
        data = None
        try:
            raw = read_bounded(guidance_path, root)
        except OSError as exc:
            errors.append(KnowledgeError(GUIDANCE_FILE, "", _unreadable(exc)))
        else:
            digest.update(raw)
            data = _read_yaml(guidance_path, errors, root, raw)
        if data is not None:
            result = _validate(Guidance, data, GUIDANCE_FILE, errors)
            guidance = result if isinstance(result, Guidance) else None
    families = {c.id for c in campaigns}
    for c in campaigns:
        if c.part_of is not None and c.part_of not in families:
            errors.append(KnowledgeError(seen[c.id], "part_of",
                                         f"no campaign with id {c.part_of!r}"))
    if errors or guidance is None:
        raise KnowledgeInvalid(errors)
    return KnowledgeFiles(campaigns, guidance, digest.hexdigest()[:12])


def validate_path(path: Path) -> list[KnowledgeError]:
    """Every problem in a data directory, a directory of campaign files, or one YAML file."""
    if path.is_dir() and ((path / CAMPAIGN_DIR).is_dir() or (path / GUIDANCE_FILE).exists()):
        try:
            load_files(path)
        except KnowledgeInvalid as exc:
            return exc.errors
        return []
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            return [KnowledgeError(str(path), "", "no .yaml files found")]
    elif path.is_file():
        files = [path]
    else:
        return [KnowledgeError(str(path), "", "no such file or directory")]
    errors: list[KnowledgeError] = []
    seen: dict[str, str] = {}
    for file in files:
        data = _read_yaml(file, errors)
        if data is None:
            continue
        model = Guidance if file.name == GUIDANCE_FILE else Campaign
        item = _validate(model, data, file.name, errors)
        if isinstance(item, Campaign) and _check_patterns(item, file.name, errors):
            if item.id in seen:
                problem = f"duplicate campaign id {item.id!r} (also in {seen[item.id]})"
                errors.append(KnowledgeError(file.name, "id", problem))
            seen.setdefault(item.id, file.name)
    return errors
