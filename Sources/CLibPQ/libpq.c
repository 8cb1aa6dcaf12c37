#include "actorkeys_libpq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define LIBPQ_FUNCTIONS(X)                                                                              \
    X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQconsumeInput) X(PQerrorMessage) X(PQexec)              \
    X(PQexecParams) X(PQexecPrepared) X(PQfinish) X(PQfreemem) X(PQftype) X(PQgetResult) X(PQgetisnull) \
    X(PQgetlength) X(PQgetvalue) X(PQnfields) X(PQnotifies) X(PQntuples) X(PQprepare) X(PQputCopyData)  \
    X(PQputCopyEnd) X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsocket)         \
    X(PQstatus)

#define POINTER(name) static __typeof__(&name) p_##name;
LIBPQ_FUNCTIONS(POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char failure[512];

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(failure, sizeof failure, "%s", dlerror());
        return;
    }
#define RESOLVE(name)                                                                   \
    if (!(p_##name = (__typeof__(&name))dlsym(library, #name))) {                       \
        snprintf(failure, sizeof failure, "libpq.so.5 has no function %s", #name);      \
        return;                                                                         \
    }
    LIBPQ_FUNCTIONS(RESOLVE)
    loaded = 1;
}

int actorkeys_libpq_load(const char **error) {
    pthread_once(&once, load);
    if (loaded) return 0;
    *error = failure;
    return -1;
}

void ak_PQclear(PGresult *result) { p_PQclear(result); }
char *ak_PQcmdTuples(PGresult *result) { return p_PQcmdTuples(result); }
PGconn *ak_PQconnectdb(const char *conninfo) { return p_PQconnectdb(conninfo); }
int ak_PQconsumeInput(PGconn *connection) { return p_PQconsumeInput(connection); }
char *ak_PQerrorMessage(const PGconn *connection) { return p_PQerrorMessage(connection); }
PGresult *ak_PQexec(PGconn *connection, const char *query) { return p_PQexec(connection, query); }
PGresult *ak_PQexecParams(PGconn *connection, const char *command, int nParams, const Oid *paramTypes,
                          const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                          int resultFormat) {
    return p_PQexecParams(connection, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
                          resultFormat);
}
PGresult *ak_PQexecPrepared(PGconn *connection, const char *stmtName, int nParams, const char *const *paramValues,
                            const int *paramLengths, const int *paramFormats, int resultFormat) {
    return p_PQexecPrepared(connection, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat);
}
void ak_PQfinish(PGconn *connection) { p_PQfinish(connection); }
void ak_PQfreemem(void *pointer) { p_PQfreemem(pointer); }
Oid ak_PQftype(const PGresult *result, int field) { return p_PQftype(result, field); }
PGresult *ak_PQgetResult(PGconn *connection) { return p_PQgetResult(connection); }
int ak_PQgetisnull(const PGresult *result, int row, int field) { return p_PQgetisnull(result, row, field); }
int ak_PQgetlength(const PGresult *result, int row, int field) { return p_PQgetlength(result, row, field); }
char *ak_PQgetvalue(const PGresult *result, int row, int field) { return p_PQgetvalue(result, row, field); }
int ak_PQnfields(const PGresult *result) { return p_PQnfields(result); }
PGnotify *ak_PQnotifies(PGconn *connection) { return p_PQnotifies(connection); }
int ak_PQntuples(const PGresult *result) { return p_PQntuples(result); }
PGresult *ak_PQprepare(PGconn *connection, const char *stmtName, const char *query, int nParams,
                       const Oid *paramTypes) {
    return p_PQprepare(connection, stmtName, query, nParams, paramTypes);
}
int ak_PQputCopyData(PGconn *connection, const char *buffer, int nbytes) {
    return p_PQputCopyData(connection, buffer, nbytes);
}
int ak_PQputCopyEnd(PGconn *connection, const char *errormsg) { return p_PQputCopyEnd(connection, errormsg); }
char *ak_PQresultErrorField(const PGresult *result, int fieldcode) { return p_PQresultErrorField(result, fieldcode); }
char *ak_PQresultErrorMessage(const PGresult *result) { return p_PQresultErrorMessage(result); }
ExecStatusType ak_PQresultStatus(const PGresult *result) { return p_PQresultStatus(result); }
int ak_PQsocket(const PGconn *connection) { return p_PQsocket(connection); }
ConnStatusType ak_PQstatus(const PGconn *connection) { return p_PQstatus(connection); }
