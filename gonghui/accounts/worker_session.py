"""The worker's sign-in on the H5 pages: who is signed in, and a decorator for pages
that need it. Every app's ``h5_views.py`` uses these; the sign-in page itself is the
H5 shell's (``gonghui/h5``)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from gonghui.accounts.models import Worker

SESSION_KEY = "worker_id"


def current_worker(request: HttpRequest) -> Worker | None:
    worker_id = request.session.get(SESSION_KEY)
    if worker_id is None:
        return None
    return Worker.objects.filter(pk=worker_id).first()


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), reverse("h5:sign_in"))


def worker_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pass the signed-in worker to the view, or send the visitor to sign in and back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        worker = current_worker(request)
        if worker is None:
            return _to_sign_in(request)
        return view(request, worker, *args, **kwargs)

    return wrapped
