"""The photos of a request on its handling page: shown to whoever may see the request, added
and published (with the no-people tick) by whoever may change it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from werkzeug.datastructures import CombinedMultiDict

from admin.model_forms import LinliForm
from admin.protection import acting_user
from admin.views.request_forms import PhotoStageForm, PublishPhotoForm, RequestPhotoForm
from app.extensions import db
from app.ids import parse_id
from app.models import RequestPhoto, ResidentRequest
from app.public.requests import photo_response
from app.services import requests as requests_service
from app.services import scoping
from app.services.requests import photos


class RequestPhotoPages:
    """Mixed into `ResidentRequestView`, whose `_writable_or_404`, `_render_handle` and
    `_refused` these pages use."""

    def _photo_of(self, row: ResidentRequest) -> RequestPhoto:
        number = parse_id(request.args.get("photo"))
        photo = next((p for p in photos.handled_photos(row) if p.id == number), None)
        if photo is None:
            abort(404)
        return photo

    @expose("/photo/")
    def photo_view(self) -> Any:
        """A photo of a request the user may see (never cached by a shared cache)."""
        number = parse_id(request.args.get("id"))
        row = None if number is None else scoping.scoped_row(
            db.session, acting_user(), ResidentRequest, number, write=False)
        if row is None:
            abort(404)
        return photo_response(self._photo_of(row), "private, no-store")

    def _saved(self, row: ResidentRequest, change: Callable[[], str]) -> Any:
        """Run `change` (a service call that says what it did), commit and show the handling
        page with what it said; a refusal shows the page with why, and nothing is kept."""
        try:
            done = change()
        except requests_service.RequestError as error:
            return self._refused(error)
        db.session.commit()
        flash(done, "success")
        return redirect(url_for(".handle_view", id=row.id))

    def _change_photo(self, form_class: type[LinliForm],
                      change: Callable[[RequestPhoto, Any], str]) -> Any:
        """Change a photo of a request the user may change with the posted `form_class`:
        `change(photo, form)` calls the service and says what it did."""
        row = self._writable_or_404(request.args.get("id"))
        photo = self._photo_of(row)
        form = form_class(request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        return self._saved(row, lambda: change(photo, form))

    @expose("/photo/upload/", methods=["POST"])
    def photo_upload_view(self) -> Any:
        request.max_content_length = photos.MAX_BYTES + 1024 * 1024
        row = self._writable_or_404(request.args.get("id"))
        form = RequestPhotoForm(CombinedMultiDict((request.files, request.form)))
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong

        def add() -> str:
            upload = form.photo.data
            raw = upload.read(photos.MAX_BYTES + 1) if upload else b""
            photos.add_photo(db.session, row, photos.clean_photo(raw), user=acting_user(),
                             stage=form.stage.data)
            return gettext("Photo added.")

        return self._saved(row, add)

    @expose("/photo/stage/", methods=["POST"])
    def photo_stage_view(self) -> Any:
        def set_stage(photo: RequestPhoto, form: PhotoStageForm) -> str:
            photos.set_stage(db.session, photo, form.stage.data)
            return gettext("The photo now shows: %(stage)s.", stage=photo.stage.label)

        return self._change_photo(PhotoStageForm, set_stage)

    @expose("/photo/publish/", methods=["POST"])
    def photo_publish_view(self) -> Any:
        def publish(photo: RequestPhoto, form: PublishPhotoForm) -> str:
            if form.publish.data == "1":
                photos.publish(db.session, photo, no_people=bool(form.no_people.data))
            else:
                photos.unpublish(db.session, photo)
            return (gettext("Photo published on the notice board.") if photo.published_at
                    else gettext("Photo taken off the notice board."))

        return self._change_photo(PublishPhotoForm, publish)
