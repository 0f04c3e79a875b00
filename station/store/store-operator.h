/* station/store/store-operator.h - operators' roles, badges and PINs.
 *
 * The role table lives in the store (operators.role): a technician runs
 * the line; a supervisor may also change recipes and credentials, scrap
 * units and add operators.  A PIN is kept only as a salted, stretched
 * SHA-256 HMAC (operators.pin_salt, operators.pin_hash), never in clear. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef enum {
  STORE_ROLE_TECHNICIAN,
  STORE_ROLE_SUPERVISOR,
} StoreRole;

const char *store_role_to_string (StoreRole role);
gboolean store_role_from_string (const char *text, StoreRole *role);

/* store_operator_add: creates or updates operator @name with @role, its
 * badge code (may be NULL) and PIN (may be NULL: kept as it is).  Only a
 * supervisor (the store's actor) may do it once the store has a
 * supervisor; the first supervisor of an empty role table may be created
 * by anyone.  STORE_ERROR_DENIED otherwise, STORE_ERROR_CONFLICT when the
 * badge belongs to another operator, STORE_ERROR_INVALID for a PIN that is
 * not 4 to 12 digits.  Appends an "operator.add" audit entry. */
gboolean store_operator_add (Store *store, const char *name, const char *display_name,
                             StoreRole role, const char *badge, const char *pin, GError **error);

/* store_operator_get_role: the role of @name; STORE_ERROR_NOT_FOUND when
 * the store does not know that operator. */
gboolean store_operator_get_role (Store *store, const char *name, StoreRole *role, GError **error);

/* store_operator_has_badges: @any TRUE when some operator has a badge
 * (the app then asks for a login before Start). */
gboolean store_operator_has_badges (Store *store, gboolean *any, GError **error);

/* store_operator_login: the operator whose badge is @badge, when @pin is
 * its PIN (the name in @name, free with g_free()).  Appends an
 * "operator.login" audit entry (details result ok or refused) either way,
 * and on success sets the store's actor to that operator.  FALSE with
 * STORE_ERROR_DENIED for an unknown badge or a wrong PIN (the message does
 * not say which). */
gboolean store_operator_login (Store *store, const char *badge, const char *pin, char **name,
                               GError **error);

/* store_operator_require: TRUE when operator @name may do @what (a
 * supervisor may do everything; a store without any supervisor has no
 * roles in force yet).  FALSE with STORE_ERROR_DENIED "<what>
 * needs a supervisor; <name> is a technician" when @needed is supervisor
 * and @name is not one (or is NULL or unknown). */
gboolean store_operator_require (Store *store, const char *name, StoreRole needed, const char *what,
                                 GError **error);

G_END_DECLS
