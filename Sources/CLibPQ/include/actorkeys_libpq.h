#ifndef ACTORKEYS_LIBPQ_H
#define ACTORKEYS_LIBPQ_H
// libpq, loaded on first use: the types and constants are libpq's own header; the functions are
// called through ak_PQ…, which forward to the library that actorkeys_libpq_load opened. A
// process that never touches PostgreSQL never loads libpq and the two dozen libraries it
// needs (Kerberos, LDAP, GnuTLS…): a few milliseconds of every CLI start (README, "Start-up").
#include <postgresql/libpq-fe.h>
#include <stddef.h>

/// Opens libpq.so.5 and resolves every function below, once per process. Returns 0 when they
/// can be called; otherwise -1 with `error` set to a static description of what failed.
int actorkeys_libpq_load(const char **error);

void ak_PQclear(PGresult *result);
char *ak_PQcmdTuples(PGresult *result);
PGconn *ak_PQconnectdb(const char *conninfo);
int ak_PQconsumeInput(PGconn *connection);
char *ak_PQerrorMessage(const PGconn *connection);
PGresult *ak_PQexec(PGconn *connection, const char *query);
PGresult *ak_PQexecParams(PGconn *connection, const char *command, int nParams, const Oid *paramTypes,
                          const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                          int resultFormat);
PGresult *ak_PQexecPrepared(PGconn *connection, const char *stmtName, int nParams, const char *const *paramValues,
                            const int *paramLengths, const int *paramFormats, int resultFormat);
void ak_PQfinish(PGconn *connection);
void ak_PQfreemem(void *pointer);
Oid ak_PQftype(const PGresult *result, int field);
PGresult *ak_PQgetResult(PGconn *connection);
int ak_PQgetisnull(const PGresult *result, int row, int field);
int ak_PQgetlength(const PGresult *result, int row, int field);
char *ak_PQgetvalue(const PGresult *result, int row, int field);
int ak_PQnfields(const PGresult *result);
PGnotify *ak_PQnotifies(PGconn *connection);
int ak_PQntuples(const PGresult *result);
PGresult *ak_PQprepare(PGconn *connection, const char *stmtName, const char *query, int nParams,
                       const Oid *paramTypes);
int ak_PQputCopyData(PGconn *connection, const char *buffer, int nbytes);
int ak_PQputCopyEnd(PGconn *connection, const char *errormsg);
char *ak_PQresultErrorField(const PGresult *result, int fieldcode);
char *ak_PQresultErrorMessage(const PGresult *result);
ExecStatusType ak_PQresultStatus(const PGresult *result);
int ak_PQsocket(const PGconn *connection);
ConnStatusType ak_PQstatus(const PGconn *connection);

#endif
