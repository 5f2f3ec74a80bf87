"""/v1/voices: the voices this deployment can speak with, and a preview of each."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from service.api.deps import CatalogDep, SettingsDep
from service.api.schemas import ErrorOut, VoiceOut
from service.voice_install import ensure_preview, voice_license
from workers.errors import NotFound, VoiceNotFound
from workers.text.normalize import NORMALIZERS

router = APIRouter(prefix="/v1/voices", tags=["voices"])
PREVIEW_MAX_AGE_S = 86_400


@router.get("", response_model=list[VoiceOut], summary="List voices")
def list_voices(catalog: CatalogDep, settings: SettingsDep) -> list[VoiceOut]:
    """Every voice, with what a picker shows: language, quality, speakers (use
    `id#speaker`), model size, license (from the model card), a preview to listen to, and
    whether the text front-end has full rules for the language (`full`: numbers, dates,
    money… are read out; `basic`: whitespace is tidied, the rest is left to the voice)."""
    catalog.rescan()  # a voice installed since the service started is listed
    return [
        VoiceOut(
            **(v := catalog.get(voice_id)).as_dict(),
            default=voice_id == settings.default_voice,
            size_bytes=v.model_path.stat().st_size,
            license=voice_license(v),
            preview_url=f"/v1/voices/{voice_id}/preview",
            text_rules="full" if v.language[:2].lower() in NORMALIZERS else "basic",
        )
        for voice_id in catalog.ids()
    ]


@router.get(
    "/{voice_id}/preview",
    summary="Hear a voice",
    response_class=FileResponse,
    responses={
        200: {"content": {"audio/mpeg": {}}, "description": "A short MP3 sample"},
        404: {"model": ErrorOut, "description": "No such voice."},
    },
)
def voice_preview(voice_id: str, catalog: CatalogDep, settings: SettingsDep) -> FileResponse:
    """ "This is <name>, reading the news.", mastered like every job (made once per voice:
    at install, or on the first request for a voice that came without one)."""
    try:
        voice = catalog.get(voice_id)
    except VoiceNotFound as exc:
        raise NotFound(str(exc)) from None
    return FileResponse(
        ensure_preview(settings, voice),
        media_type="audio/mpeg",
        headers={"Cache-Control": f"public, max-age={PREVIEW_MAX_AGE_S}"},
    )
