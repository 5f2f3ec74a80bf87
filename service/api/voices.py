"""/v1/voices: the voices this deployment can speak with."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import CatalogDep, SettingsDep
from service.api.schemas import VoiceOut

router = APIRouter(prefix="/v1/voices", tags=["voices"])


@router.get("", response_model=list[VoiceOut], summary="List voices")
def list_voices(catalog: CatalogDep, settings: SettingsDep) -> list[VoiceOut]:
    return [
        VoiceOut(**catalog.get(v).as_dict(), default=v == settings.default_voice)
        for v in catalog.ids()
    ]
