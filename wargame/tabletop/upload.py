"""Upload of a game log: the file's declared size is checked before any byte is read, then it is read in chunks.

Why not ``ipywidgets.FileUpload``: it sends the whole file to the server in one websocket message, and the
server (uvicorn, which ``solara run`` uses) closes the websocket on any message over its ``ws_max_size``
(16 MiB by default, ``uvicorn.config.Config``). A file over 16 MiB then dropped the page's connection with
no word, and the Python side never saw it. Here the browser first tells the server the file's name and size
only; a file over the limit is refused with a message and never sent. A file within the limit is read in
chunks of 1 MiB (far below 16 MiB), as :func:`solara.FileDrop` does, by the chunked reader of
:class:`ipyvuetify.extra.FileInput`.

The widget's template is fixed text: the file name is shown through Vue's ``{{ }}`` text interpolation, which
escapes it (a file named ``<img ...>`` shows as those characters); no outside text ever becomes template code.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import solara
import traitlets
from ipyvuetify.extra import FileInput

logger = logging.getLogger(__name__)

#: Bytes per chunk the browser sends while a file is read (far below uvicorn's 16 MiB message limit).
CHUNK_BYTES = 1024 * 1024

_TEMPLATE = """
<template>
  <div class="log-upload" @dragover.prevent @drop.prevent="dropped">
    <input ref="picker" type="file" :accept="accept" style="display: none" @change="picked" />
    <v-btn class="upload-log" small outlined color="primary" :disabled="disabled" @click="$refs.picker.click()">
      {{ label }}
    </v-btn>
    <div class="upload-hint" style="font-size: 0.8em; color: #555; margin-top: 2px">or drop the file here</div>
    <v-progress-linear v-if="total_progress > 0 && total_progress < 100" :value="total_progress" />
  </div>
</template>
<script>
module.exports = {
  created() {
    this.chunk_size = CHUNK_BYTES;
    this.native_file_info = [];
    this.picks = 0;
  },
  methods: {
    choose(files) {
      const list = Array.from(files || []).slice(0, 1);
      if (!list.length) return;
      this.native_file_info = list;
      this.picks += 1;
      this.file_info = list.map(({name, size}) => ({name, size, pick: this.picks}));
    },
    picked(event) {
      this.choose(event.target.files);
      event.target.value = '';
    },
    dropped(event) {
      this.choose(event.dataTransfer && event.dataTransfer.files);
    },
    jupyter_clear() {
      this.native_file_info = [];
      this.file_info = [];
    },
    jupyter_read(chunk) {
      const {id, file_index, offset, length} = chunk;
      let to_do = length;
      let sub_offset = offset;
      (async () => {
        while (to_do > 0) {
          const sub_length = Math.min(to_do, this.chunk_size);
          const file = this.native_file_info[file_index];
          const buff = await file.slice(sub_offset, sub_offset + sub_length).arrayBuffer();
          this.upload({id, file_index, offset: sub_offset, length: sub_length}, [buff]);
          to_do -= sub_length;
          sub_offset += sub_length;
        }
      })();
    },
  },
};
</script>
""".replace("CHUNK_BYTES", str(CHUNK_BYTES))


class LogUploadWidget(FileInput):
    """A button that opens the file chooser (or a drop zone), and sends the chosen file's name and size only.

    ``file_info`` becomes ``[{"name", "size", "pick"}]`` when a file is chosen (``size`` in bytes as the
    browser declares it; ``pick`` counts the choices, so choosing the same file again is a change). The
    content is read on request, in chunks (:meth:`ipyvuetify.extra.FileInput.get_files`).
    """

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("Upload game log").tag(sync=True)


def size_problem(name: str, size: Any, max_bytes: int) -> str:
    """Why a file of this declared size is refused, or ``""`` if its size is acceptable.

    Args:
        name: The file's name (shown in the message as given; the message is plain text).
        size: Its size in bytes as the browser declares it.
        max_bytes: The largest size accepted, bytes.

    Returns:
        A message naming the file, its size and the limit (in MB, 10^6 bytes), or ``""``.

    """
    shown = name or "The file"
    if not isinstance(size, int | float) or isinstance(size, bool) or not size >= 0:
        return f"{shown}: the browser did not say how large the file is, so it was not read. Nothing was changed."
    if size == 0:
        return f"{shown}: the file is empty. Nothing was changed."
    if size > max_bytes:
        return (f"{shown} is {size_text(size)}, too large for a game log (at most {size_text(max_bytes)}; a full "
                "game is a few hundred kB). It was not read. Nothing was changed.")
    return ""


def size_text(size: float) -> str:
    """A size in bytes for people: ``"20.0 MB"`` (10^6 bytes), ``"512 kB"`` (10^3 bytes) or ``"80 bytes"``."""
    if size >= 1e6:
        return f"{size / 1e6:,.1f} MB"
    if size >= 1e3:
        return f"{size / 1e3:,.0f} kB"
    return f"{size:,.0f} bytes"


def read_chosen_file(widget: LogUploadWidget, timeout_s: float = 30.0) -> bytes:
    """Read the chosen file's content from the browser, in chunks (blocks; run it off the websocket thread).

    Args:
        widget: The upload widget, after a file was chosen.
        timeout_s: Seconds to wait for each chunk.

    Returns:
        The file's bytes.

    Raises:
        Exception: ``ipyvuetify``'s reader raises a bare ``Exception("Timeout")`` if the browser stops
            answering, or ``Exception("File changed")`` if another file is chosen meanwhile.

    """
    widget.version += 1  # as solara.FileDrop does: a fresh version for this read
    widget.reset_stats()
    files = widget.get_files(timeout=timeout_s)
    return bytes(files[0]["file_obj"].read())


@solara.component
def LogUpload(on_file: Callable[[bytes, str], None], on_notice: Callable[[str], None], max_bytes: int,
              label: str = "Upload game log", accept: str = ".json,application/json") -> solara.Element:
    """Choose (or drop) one file; refuse it by its declared size before reading, else read it and hand it on.

    Args:
        on_file: Called with the content and name of an accepted file (from a worker thread).
        on_notice: Called with a plain-text notice: why a file was refused, ``"Reading <name> ..."`` while it
            is read, or ``""`` once it has been handed on.
        max_bytes: Largest file accepted, bytes.
        label: The button's text.
        accept: File types the chooser offers.

    """
    chosen, set_chosen = solara.use_state(None)  # type: ignore[arg-type]

    def on_file_info(info: Any) -> None:
        if not info:
            return
        first = info[0] if isinstance(info, list | tuple) and isinstance(info[0], dict) else {}
        name = str(first.get("name", ""))
        problem = size_problem(name, first.get("size"), max_bytes)
        if problem:
            on_notice(problem)
            return
        on_notice(f"Reading {name} ...")
        set_chosen({"name": name, "size": first.get("size"), "pick": first.get("pick")})

    zone = LogUploadWidget.element(label=label, accept=accept, multiple=False, on_file_info=on_file_info)
    widget = solara.use_ref(None)

    def remember_widget() -> None:  # the reading thread has no render context to look the widget up
        widget.current = solara.get_widget(zone)

    solara.use_effect(remember_widget, [])

    def read(cancel: threading.Event) -> None:
        if not chosen:
            return
        name = chosen["name"]
        try:
            if widget.current is None:
                raise RuntimeError("the upload widget is not shown")
            data = read_chosen_file(widget.current)
        except Exception as exc:  # noqa: BLE001 - a failed read must end in a message, never a dead page
            logger.warning("upload of %s failed: %s", name, exc)
            on_notice(f"{name}: the file could not be read ({exc}). Nothing was changed.")
            return
        if cancel.is_set():
            return
        on_notice("")
        on_file(data, name)

    solara.use_thread(read, [chosen], intrusive_cancel=False)
    return zone
