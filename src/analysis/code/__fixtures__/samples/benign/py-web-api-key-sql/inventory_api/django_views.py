from django.conf import settings
from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare


def low_stock(request):
    if not constant_time_compare(request.headers.get("X-Api-Key", ""), settings.INVENTORY_API_KEY):
        return HttpResponseForbidden()
    threshold = int(request.GET.get("below", 5))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, qty FROM inventory_item WHERE qty < %s ORDER BY qty", [threshold])
        rows = cursor.fetchall()
    return JsonResponse({"items": [{"id": i, "name": n, "qty": q} for i, n, q in rows]})
