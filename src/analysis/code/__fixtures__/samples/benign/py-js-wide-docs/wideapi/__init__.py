"""Membership queries for the site API."""


def query_memberships(member_id, status=None, role=None):
    """
    Retrieves a list of up to 100 memberships and their status, given paging and filtering.

    | Property                    | Supported filters & sorting                                                                                                                                                                                                                                                                                                                |
    | --------------------------- | ------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------ |
    | `status`                    | [`eq()`](#query/eq), [`ne()`](#query/ne)                                                                                                                                                                                                                                                                                                   |
    | `role`                      | [`eq()`](#query/eq), [`ne()`](#query/ne), [`hasSome()`](#query/hassome)                                                                                                                                                                                                                                                                    |

    :param member_id: the site member's id
    """
    filters = {"memberId": member_id}
    if status is not None:
        filters["status"] = status
    if role is not None:
        filters["role"] = role
    return filters


TIMEOUTS = {
    "connect": 5,                                                                                                                                                                                                                                                # seconds; the proxy in front of the API closes idle connections after 60
    "read": 30,
}
