"""The `narrate` command: one-off conversion with no server, previews, voices, and the service."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn, TextIO

from workers.errors import EXIT_FAILURE, EXIT_INPUT, InputError, NarrateError, OutputError

if TYPE_CHECKING:
    from workers.pool import SynthesisPool

_FORMATS: Final = ("mp3", "ogg", "wav", "m4a")
_INPUT_FORMATS: Final = ("text", "markdown", "html", "ssml")
STDIN_NAME: Final = "stdin"
"""`narrate convert -` writes `stdin.<format>` unless `-o` says otherwise."""
MESSAGE_CHARS: Final = 300
"""An error line is cut here: messages may quote the input."""


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, so no partial file is left behind."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def read_input(source: str) -> tuple[str, str]:
    """(text, name) of INPUT: a path or `-` for stdin; strict UTF-8."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read()
            name = STDIN_NAME
        else:
            path = Path(source)
            if path.is_dir():
                raise InputError(f"{source} is a directory, not an article file")
            raw = path.read_bytes()
            name = path.stem
    except FileNotFoundError:
        raise InputError(f"no such file: {source}") from None
    except PermissionError:
        raise InputError(f"cannot read {source}: permission denied") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    if not text.strip():
        raise InputError(f"{source} is empty")
    return text, name


def input_format_for(source: str, explicit: str | None):  # type: ignore[no-untyped-def]
    from workers.text.prepare import InputFormat

    if explicit:
        return InputFormat(explicit)
    suffix = Path(source).suffix.lower()
    return {
        ".html": InputFormat.HTML,
        ".htm": InputFormat.HTML,
        ".md": InputFormat.MARKDOWN,
        ".markdown": InputFormat.MARKDOWN,
        ".ssml": InputFormat.SSML,
    }.get(suffix, InputFormat.TEXT)


def check_writable(path: Path) -> None:
    """Fail before any synthesis when `path` cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"output {path} is a directory")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write {path}: directory {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {path}: file is not writable")


def output_path(args: argparse.Namespace, fmt: str) -> Path:
    """Where `convert` writes: `-o`, else the input's name with the format's extension in
    the current directory (`stdin.mp3` for `-`). A name Narrate chose never replaces an
    existing file unless `--force` says so; `-o` is the caller's own choice."""
    if args.output:
        return Path(args.output)
    stem = STDIN_NAME if args.input == "-" else Path(args.input).stem
    out = Path(f"{stem}.{fmt}")
    if out.exists() and not args.force:
        raise OutputError(f"{out} exists; use -o to name the output, or --force to replace it")
    return out


def write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class ProgressBar:
    """Chunks done / total on a terminal; silent when stderr is not a TTY."""

    WIDTH: Final = 30

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} {bar} {done}/{total} chunks")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _lexicon(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The deployment lexicon merged with `--lexicon FILE` (the file wins)."""
    from service.settings import load_settings
    from workers.text.lexicon import Lexicon

    return load_settings().article_lexicon(Lexicon.load(args.lexicon) if args.lexicon else None)


def _prepare(args: argparse.Namespace, text: str):  # type: ignore[no-untyped-def]
    from service.settings import load_settings
    from workers.pipeline import iso_date
    from workers.text.prepare import ArticleMeta, Reading, prepare_article

    meta = ArticleMeta(
        title=args.title,
        author=getattr(args, "author", None),
        publication=getattr(args, "publication", None),
        date=iso_date(getattr(args, "date", None)),
        language=args.language,
    )
    return prepare_article(
        text,
        meta,
        input_format_for(args.input, args.input_format),
        lexicon=_lexicon(args),
        date_order=load_settings().date_order,
        reading=Reading(read_title=args.read_title, read_byline=args.read_byline),
    )


def cmd_convert(args: argparse.Namespace) -> int:
    from voices.catalog import DEFAULT_VOICE_ID, packaged_voice
    from workers.master import AudioFormat
    from workers.pipeline import iso_date
    from workers.pool import SynthesisPool

    signal.signal(signal.SIGTERM, _raise_terminated)
    # Everything the options alone can refuse is refused before any process starts.
    iso_date(args.date)
    fmt = AudioFormat(
        args.format or (Path(args.output).suffix.lstrip(".") if args.output else "mp3")
    )
    extras = (args.vtt, args.timings, args.speechmarks)
    for path in [output_path(args, fmt.value), *(Path(p) for p in extras if p)]:
        check_writable(path)
    # The workers start now and load the likely voice while this process imports the rest
    # and prepares the text, so synthesis can begin as soon as the text is ready.
    likely = packaged_voice() if args.voice in (None, DEFAULT_VOICE_ID) else None
    with SynthesisPool(likely, args.jobs) as pool:
        return _convert(args, pool)


def _convert(args: argparse.Namespace, pool: SynthesisPool) -> int:
    from service.settings import load_settings
    from workers.master import AudioFormat
    from workers.pipeline import ConvertOptions, convert_article
    from workers.synthesis import SynthesisSettings

    settings = load_settings()
    fmt = AudioFormat(
        args.format or (Path(args.output).suffix.lstrip(".") if args.output else "mp3")
    )
    synthesis = SynthesisSettings(speed=args.speed)
    voice = settings.voice_catalog().get(args.voice or settings.default_voice)
    text, _ = read_input(args.input)
    out = output_path(args, fmt.value)
    article = _prepare(args, text)
    result = convert_article(
        article,
        voice,
        out,
        ConvertOptions(format=fmt, synthesis=synthesis, mp3_kbps=settings.mp3_kbps),
        pool=pool,
        progress=ProgressBar(sys.stderr, out.name),
    )
    delivery = result.delivery
    if args.vtt:
        write_atomically(Path(args.vtt), delivery.vtt())
    if args.timings:
        write_atomically(Path(args.timings), delivery.timings_json())
    if args.speechmarks:
        write_atomically(Path(args.speechmarks), delivery.speechmarks())
    m = delivery.report.measurement
    print(
        f"{out}: {delivery.duration:.1f} s of audio, {result.chunks} chunks, "
        f"{m.integrated_lufs:.1f} LUFS, {m.true_peak_dbtp:.1f} dBTP, "
        f"made in {result.seconds:.1f} s"
    )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    text, _ = read_input(args.input)
    article = _prepare(args, text)
    if args.diff:
        from workers.text.diff import render_diff

        print(render_diff([s for c in article.chunks for s in c.sentences]))
        return 0
    for chunk in article.chunks:
        print(f"--- chunk {chunk.index + 1}/{len(article.chunks)}")
        for sentence in chunk.sentences:
            print(f"# {sentence.spoken}" if sentence.heading else sentence.spoken)
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    """`narrate voices [list]`: the voices this deployment speaks with; `--available`: the
    voice index's, marked where installed."""
    from service.settings import load_settings

    settings = load_settings()
    if getattr(args, "available", False):
        return _list_available(settings)
    catalog = settings.voice_catalog()
    print("VOICE	LANGUAGE	QUALITY	RATE	SOURCE")
    for voice_id in catalog.ids():
        v = catalog.get(voice_id)
        default = " (default)" if voice_id == settings.default_voice else ""
        for speaker_id in [f"{v.id}#{s}" for s in v.speakers] if v.num_speakers > 1 else [v.id]:
            print(
                f"{speaker_id}\t{v.language}\t{v.quality}\t{v.sample_rate} Hz\t{v.source}{default}"
            )
    return 0


def _list_available(settings) -> int:  # type: ignore[no-untyped-def]
    from service.voice_install import installed_ids, read_index

    index, installed = read_index(settings), installed_ids(settings)
    print("VOICE\tLANGUAGE\tQUALITY\tSIZE\tINSTALLED")
    for voice_id in sorted(index):
        entry = index[voice_id]
        mark = "yes" if voice_id in installed else ""
        size = f"{entry.size_bytes / 1e6:.1f} MB"
        for speaker_id in entry.speaker_ids():
            print(f"{speaker_id}\t{entry.language}\t{entry.quality}\t{size}\t{mark}")
    return 0


def cmd_voices_add(args: argparse.Namespace) -> int:
    from service.settings import load_settings
    from service.voice_install import install_voice

    voice = install_voice(load_settings(), args.voice_id, _download_progress(sys.stderr))
    print(f"installed {voice.id} ({voice.language}, {voice.quality}, {voice.sample_rate} Hz)")
    return 0


def _download_progress(stream: TextIO):  # type: ignore[no-untyped-def]
    """Progress on a terminal (one line, rewritten); nothing when stderr is not one."""
    if not stream.isatty():
        return None
    shown: dict[str, int] = {}

    def progress(name: str, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if shown.get(name) != percent:
            shown[name] = percent
            end = "\n" if done >= total else ""
            stream.write(f"\r{name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB ({percent}%){end}")
            stream.flush()

    return progress


def cmd_voices_remove(args: argparse.Namespace) -> int:
    from service.settings import load_settings
    from service.store import JobStore
    from service.voice_install import remove_voice

    settings = load_settings()

    def in_use() -> set[str]:
        store = JobStore.from_url(settings.resolved_database_url())
        try:
            return store.voices_in_use()
        finally:
            store.dispose()

    remove_voice(settings, args.voice_id, in_use)
    print(f"removed {args.voice_id}")
    return 0


def _service_settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from service.settings import load_settings

    settings = load_settings()
    if getattr(args, "data_dir", None):
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    from service.serve import run_all

    run_all(_service_settings(args), args.host, args.port)
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    from service.serve import run_api

    run_api(_service_settings(args), args.host, args.port)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from service.serve import run_worker

    run_worker(_service_settings(args), args.concurrency)
    return 0


def cmd_beat(args: argparse.Namespace) -> int:
    from service.serve import run_beat

    run_beat(_service_settings(args))
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from service.client import submit_article

    text, _ = read_input(args.input)
    is_html = input_format_for(args.input, None).value == "html"
    article = {"html" if is_html else "text": text, "speed": args.speed}
    for key in ("title", "voice", "format"):
        if getattr(args, key):
            article[key] = getattr(args, key)
    for key in ("read_title", "read_byline"):
        if not getattr(args, key):
            article[key] = False
    api_key = args.api_key or os.environ.get("NARRATE_API_KEY")
    output = Path(args.output) if args.output else None
    return submit_article(args.server, article, api_key, args.wait, output)


def cmd_cache_prune(args: argparse.Namespace) -> int:
    from service.cache import parse_byte_size, prune_chunk_cache
    from service.storage_url import open_storage
    from service.store import JobStore

    settings = _service_settings(args)
    if args.max_bytes is not None:
        bound = parse_byte_size(args.max_bytes)
    else:  # the setting's 0 means unbounded: list the cache, remove nothing
        bound = int(settings.chunk_cache_max_bytes) or sys.maxsize
    store = JobStore.from_url(settings.resolved_database_url())
    try:
        report = prune_chunk_cache(open_storage(settings), store, bound)
    finally:
        store.dispose()
    print(f"chunk cache: {report.line()}")
    return 0


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (not the whole usage) and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("narrate")
    except PackageNotFoundError:  # run from a tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="narrate", description=__doc__)
    parser.add_argument("--version", action="version", version=f"narrate {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_text_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("input", help="article file (UTF-8), or - for standard input")
        p.add_argument(
            "--input-format",
            choices=_INPUT_FORMATS,
            help="how to read the input (default: from its suffix: .md/.markdown markdown, "
            ".html/.htm html, .ssml ssml, anything else and - text)",
        )
        p.add_argument("--language", default="en", help="article language (default: en)")
        p.add_argument("--title", help="title for the tags (default: from the article)")
        p.add_argument(
            "--lexicon",
            metavar="FILE",
            help="pronunciation lexicon file: .tsv (word<TAB>replacement) or .json "
            "(default: none beyond NARRATE_LEXICON_FILE)",
        )
        add_head_options(p)

    def add_head_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-title",
            dest="read_title",
            action="store_false",
            help="do not read the headline first",
        )
        p.add_argument(
            "--no-byline", dest="read_byline", action="store_false", help='do not read "By NAME"'
        )

    convert = commands.add_parser("convert", help="convert one article to audio, no server")
    add_text_options(convert)
    convert.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="output file; replaced if it exists (default: INPUT's name with the format's "
        "extension, here; stdin.mp3 for -)",
    )
    convert.add_argument(
        "-f",
        "--force",
        action="store_true",
        help="replace an existing file at the default output name (default: refuse)",
    )
    convert.add_argument(
        "--voice",
        help="voice id (default: NARRATE_DEFAULT_VOICE, else en_US-joe-medium; see `voices`)",
    )
    convert.add_argument(
        "--speed",
        metavar="RATE",
        type=float,
        default=1.0,
        help="speaking rate, 0.5–2.0 (default: 1.0)",
    )
    convert.add_argument(
        "--format", choices=_FORMATS, help="audio format (default: from -o's suffix, else mp3)"
    )
    convert.add_argument("--author", help="author for the tags (default: from the article)")
    convert.add_argument("--publication", help="publication (album) for the tags (default: none)")
    convert.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="publication date for the tags: YYYY-MM-DD, YYYY-MM or YYYY (default: today)",
    )
    convert.add_argument(
        "--vtt", metavar="FILE", help="also write subtitles with word timings as WebVTT"
    )
    convert.add_argument(
        "--timings", metavar="FILE", help="also write sentence and word timings as JSON"
    )
    convert.add_argument(
        "--speechmarks", metavar="FILE", help="also write speech marks (Amazon Polly's JSON lines)"
    )
    convert.add_argument(
        "--jobs", metavar="N", type=int, help="synthesis processes (default: one per CPU core)"
    )
    convert.set_defaults(func=cmd_convert)

    preview = commands.add_parser("preview", help="print exactly what will be spoken")
    add_text_options(preview)
    preview.add_argument("--diff", action="store_true", help="original and spoken side by side")
    preview.set_defaults(func=cmd_preview)

    voices = commands.add_parser(
        "voices", help="list, install and remove voices", description=cmd_voices.__doc__
    )
    voices.set_defaults(func=cmd_voices)
    voice_commands = voices.add_subparsers(dest="voices_command", metavar="{list,add,remove}")
    voices_list = voice_commands.add_parser("list", help="the voices this deployment speaks with")
    voices_list.add_argument(
        "--available",
        action="store_true",
        help="list the voice index's voices (NARRATE_VOICE_INDEX_URL) instead",
    )
    voices_list.set_defaults(func=cmd_voices)
    voices_add = voice_commands.add_parser(
        "add",
        help="download, verify and install a voice from the index",
        description="Downloads the voice's .onnx and .onnx.json from the voice index "
        "(NARRATE_VOICE_INDEX_URL), checks their size and MD5 sum, and installs them into "
        "DATA_DIR/voices with a preview sample. An interrupted download resumes next time.",
    )
    voices_add.add_argument(
        "voice_id", help="e.g. en_GB-alan-medium (see `voices list --available`)"
    )
    voices_add.set_defaults(func=cmd_voices_add)
    voices_remove = voice_commands.add_parser(
        "remove", help="remove a voice installed with `narrate voices add`"
    )
    voices_remove.add_argument("voice_id", help="e.g. en_GB-alan-medium (see `voices list`)")
    voices_remove.set_defaults(func=cmd_voices_remove)

    def add_server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="listen address (default: 127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="listen port (default: 8000)")
        p.add_argument("--data-dir", help="where the SQLite file and audio live (default: data)")

    run = commands.add_parser("run", help="the whole service here: API + workers + Redis")
    add_server_options(run)
    run.set_defaults(func=cmd_run)

    api = commands.add_parser("api", help="the HTTP API only")
    add_server_options(api)
    api.set_defaults(func=cmd_api)

    worker = commands.add_parser("worker", help="a Celery worker pool (one process per core)")
    worker.add_argument(
        "--concurrency",
        type=int,
        help="processes (default: NARRATE_WORKER_CONCURRENCY, else one per core)",
    )
    worker.add_argument("--data-dir", help="where the SQLite file and audio live (default: data)")
    worker.set_defaults(func=cmd_worker)

    beat = commands.add_parser(
        "beat", help="the scheduler that polls article sources (run exactly one per deployment)"
    )
    beat.add_argument("--data-dir", help="where the SQLite file and audio live (default: data)")
    beat.set_defaults(func=cmd_beat)

    submit = commands.add_parser("submit", help="send an article to a running service")
    submit.add_argument("input", help="article file (.html is sent as HTML), or - for stdin")
    submit.add_argument(
        "--server", default="http://127.0.0.1:8000", help="service URL (default: %(default)s)"
    )
    submit.add_argument("--api-key", help="bearer key (default: $NARRATE_API_KEY)")
    submit.add_argument("--wait", action="store_true", help="wait for the audio and download it")
    submit.add_argument("-o", "--output", help="where to save the audio (implies --wait)")
    submit.add_argument("--title", help="title (default: from the article)")
    submit.add_argument("--voice", help="voice id (default: the server's)")
    submit.add_argument(
        "--speed", type=float, default=1.0, help="speaking rate, 0.5–2.0 (default: 1.0)"
    )
    submit.add_argument("--format", choices=_FORMATS, help="audio format (default: mp3)")
    add_head_options(submit)
    submit.set_defaults(func=cmd_submit)

    cache = commands.add_parser("cache", help="the cache of synthesized chunk audio")
    cache_commands = cache.add_subparsers(dest="cache_command", required=True)
    prune = cache_commands.add_parser(
        "prune", help="remove least recently used chunk audio down to a size"
    )
    prune.add_argument(
        "--max-bytes",
        help="keep at most this much (2GiB, 500MB, bytes; 0: remove all that no unfinished "
        "job needs); default: NARRATE_CHUNK_CACHE_MAX_BYTES",
    )
    prune.add_argument("--data-dir", help="where the SQLite file and audio live (default: data)")
    prune.set_defaults(func=cmd_cache_prune)
    return parser


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    print(f"narrate: error: {one_line(message)}", file=sys.stderr)
    raise SystemExit(code)


def one_line(message: str, limit: int = MESSAGE_CHARS) -> str:
    """`message` on one line of at most `limit` characters (an error may quote input)."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Errors end it with one line on stderr: the caller's input (exit 2)
    or Narrate's own failure (exit 1); `--debug` adds the traceback of an unexpected one."""
    args = build_parser().parse_args(argv)
    if getattr(args, "format", None) is None and getattr(args, "output", None):
        suffix = Path(args.output).suffix.lstrip(".").lower()
        if suffix and suffix not in _FORMATS:
            fail(f"cannot tell the format from {args.output!r}; use --format {'|'.join(_FORMATS)}")
    try:
        return int(args.func(args))
    except NarrateError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Terminated:
        fail("terminated", 143)
    except Exception as exc:  # a bug or an environment fault nobody foresaw
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug else " (run with --debug for the traceback)"
        fail(f"internal error: {type(exc).__name__}: {exc}{hint}", EXIT_FAILURE)


if __name__ == "__main__":
    sys.exit(main())
