'use strict';

/**
 * Queries memberships.
 *
 * | Property                    | Supported filters & sorting                                                                                                                                                                                                                                                                                                                |
 * | --------------------------- | ------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------ |
 * | `status`                    | [`eq()`](#query/eq), [`ne()`](#query/ne)                                                                                                                                                                                                                                                                                                   |
 * | `role`                      | [`eq()`](#query/eq), [`ne()`](#query/ne), [`hasSome()`](#query/hassome)                                                                                                                                                                                                                                                                    |
 */
function queryMemberships(memberId, filters = {}) {
  return { memberId, ...filters };
}

const LIMITS = {
  page: 100,                                                                                                                                                                                                                                                          // the API rejects larger pages with HTTP 400
  burst: 10,
};

module.exports = { queryMemberships, LIMITS };
