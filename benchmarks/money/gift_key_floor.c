/* The SQL floor of a gift send's write, with and without a unique index on the gift's key.
 *
 * Per gift one journal row (the receipt as payload, the key, payer and payee); per commit
 * one UPDATE per touched balance; WAL, synchronous=FULL; 64 senders' keys interleaved as
 * concurrent senders interleave them; 200,000 rows already in the journal.
 *   variant 0: the key under the journal's UNIQUE index (the send before migration v19)
 *   variant 1: the key in a column no index covers (v19: indexed off the send path)
 *   variant 2: variant 1, balances updated by rowid instead of by their text key
 *   variant 3: the schema since v22 (account numbers, the journal's indexes without gift
 *              rows), with the key's probe in `gift_keys` for every gift and the keys' flush
 *              (2,048 keys sorted, a sixteenth a commit, 32 an upsert), as the writer does
 *
 * Build and run (a scratch file; nothing else running):
 *   gcc -O2 benchmarks/money/gift_key_floor.c -o /tmp/gift_key_floor -lsqlite3
 *   for v in 0 1 2 3; do /tmp/gift_key_floor /tmp/floor.db $v 32 40000; done
 * Arguments: FILE VARIANT BATCH GIFTS [SENDERS]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static double cpu(){struct rusage u;getrusage(RUSAGE_SELF,&u);return u.ru_utime.tv_sec+u.ru_utime.tv_usec/1e6+u.ru_stime.tv_sec+u.ru_stime.tv_usec/1e6;}
#define CK(x) do{int rc=(x); if(rc!=SQLITE_OK&&rc!=SQLITE_DONE&&rc!=SQLITE_ROW){fprintf(stderr,"%s: %s\n",#x,sqlite3_errmsg(db));exit(1);}}while(0)
typedef struct { char key[48]; long long offset; } Key;
static int bykey(const void*a,const void*b){ return strcmp(((const Key*)a)->key,((const Key*)b)->key); }
/* Variant 3: the send as the writer makes it since v22. */
static int floor3(sqlite3*db, sqlite3_stmt*ins, sqlite3_stmt*upd, int pre, int batch, int gifts, int senders, const char*payload){
  enum { FLUSH_AT = 2048, CHUNKS = 16, ROWS = 32 };
  sqlite3_stmt *probe, *flush32, *flush1; char sql[4096]; int n=0;
  CK(sqlite3_prepare_v2(db,"SELECT offset FROM gift_keys WHERE key = ?",-1,&probe,0));
  n=snprintf(sql,sizeof sql,"INSERT INTO gift_keys(key, offset) VALUES (?, ?)");
  for(int i=1;i<ROWS;i++) n+=snprintf(sql+n,sizeof sql-n,", (?, ?)");
  snprintf(sql+n,sizeof sql-n," ON CONFLICT(key) DO UPDATE SET offset = excluded.offset WHERE offset = excluded.offset");
  CK(sqlite3_prepare_v2(db,sql,-1,&flush32,0));
  CK(sqlite3_prepare_v2(db,"INSERT INTO gift_keys(key, offset) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET offset = excluded.offset WHERE offset = excluded.offset",-1,&flush1,0));
  static Key tail[FLUSH_AT*2], flushing[FLUSH_AT*2]; int nTail=0, nFlushing=0, written=0;
  double t0=now(),c0=cpu(); double tc=0; long commits=0; int g=0; long bal=1000000000000LL;
  while(g<gifts){
    sqlite3_exec(db,"BEGIN IMMEDIATE",0,0,0);
    int touchedS[1024]; int nS=0; int touchedR[16]={0};
    for(int b=0;b<batch&&g<gifts;b++,g++){ int s=g%senders; int k=pre/senders+g/senders; char key[48]; snprintf(key,48,"gift:v%d:k-%08d",s,k);
      sqlite3_bind_text(probe,1,key,-1,SQLITE_TRANSIENT); int rc=sqlite3_step(probe); if(rc!=SQLITE_DONE){fprintf(stderr,"probe found %s\n",key);exit(1);} sqlite3_reset(probe);
      sqlite3_bind_text(ins,1,payload,-1,SQLITE_STATIC); sqlite3_bind_int64(ins,2,g); sqlite3_bind_text(ins,3,key,-1,SQLITE_TRANSIENT); sqlite3_bind_int64(ins,4,s+1); sqlite3_bind_int64(ins,5,senders+g%16+1);
      CK(sqlite3_step(ins)); sqlite3_reset(ins);
      strcpy(tail[nTail].key,key); tail[nTail].offset=sqlite3_last_insert_rowid(db); nTail++;
      touchedS[nS++]=s; touchedR[g%16]=1; }
    for(int i=0;i<nS;i++){ sqlite3_bind_int64(upd,2,touchedS[i]+1); sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    for(int i=0;i<16;i++) if(touchedR[i]){ sqlite3_bind_int64(upd,2,senders+i+1); sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    for(int i=0;i<3;i++){ sqlite3_bind_int64(upd,2,senders+16+i+1); sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    if(nFlushing==0 && nTail>=FLUSH_AT){ memcpy(flushing,tail,nTail*sizeof(Key)); nFlushing=nTail; nTail=0; written=0; qsort(flushing,nFlushing,sizeof(Key),bykey); }
    if(nFlushing>0){ int chunk=(nFlushing+CHUNKS-1)/CHUNKS, end=written+chunk<nFlushing?written+chunk:nFlushing;
      while(written<end){ int rows=end-written>=ROWS?ROWS:1; sqlite3_stmt*st=rows==ROWS?flush32:flush1;
        for(int r=0;r<rows;r++){ sqlite3_bind_text(st,2*r+1,flushing[written+r].key,-1,SQLITE_STATIC); sqlite3_bind_int64(st,2*r+2,flushing[written+r].offset); }
        CK(sqlite3_step(st)); sqlite3_reset(st); if(sqlite3_changes(db)!=rows){fprintf(stderr,"flush changed %d of %d\n",sqlite3_changes(db),rows);exit(1);} written+=rows; }
      if(written==nFlushing) nFlushing=0; }
    double a=now(); CK(sqlite3_exec(db,"COMMIT",0,0,0)); tc+=now()-a; commits++;
    if(commits%200==0) sqlite3_exec(db,"PRAGMA wal_checkpoint(PASSIVE)",0,0,0);
  }
  double el=now()-t0, cp=cpu()-c0;
  printf("variant 3 batch %d: %.0f gifts/s, CPU %.1f us/gift, COMMIT %.3f ms (%.1f us/gift)\n",batch,gifts/el,cp/gifts*1e6,tc/commits*1e3,tc/gifts*1e6);
  return 0;
}
int main(int argc,char**argv){
  const char*path=argv[1]; int variant=atoi(argv[2]); int batch=atoi(argv[3]); int gifts=atoi(argv[4]); int senders=argc>5?atoi(argv[5]):64;
  sqlite3*db; remove(path); char wal[256]; snprintf(wal,256,"%s-wal",path); remove(wal);
  CK(sqlite3_open(path,&db));
  sqlite3_exec(db,"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;",0,0,0);
  const char*schema3 =
   "CREATE TABLE journal(offset INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, idempotency_key TEXT, payer INTEGER, payee INTEGER, facts INTEGER CHECK (facts IS NULL OR facts >= 1), gift_key TEXT);"
   "CREATE UNIQUE INDEX journal_idempotency_key ON journal(idempotency_key) WHERE idempotency_key IS NOT NULL;"
   "CREATE INDEX journal_type_offset ON journal(type, offset) WHERE type != 'gift';"
   "CREATE INDEX journal_danmaku_room ON journal(json_extract(payload, '$.room'), offset) WHERE type = 'danmaku';"
   "CREATE TABLE gift_keys(key TEXT PRIMARY KEY, offset INTEGER NOT NULL) WITHOUT ROWID;";
  const char*schema = variant==3 ? schema3 : variant==0 ?
   "CREATE TABLE journal(offset INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, idempotency_key TEXT UNIQUE, payer TEXT, payee TEXT, facts INTEGER);"
   "CREATE INDEX jt ON journal(type, offset); CREATE INDEX jd ON journal(json_extract(payload,'$.room'),offset) WHERE type='danmaku';"
   : "CREATE TABLE journal(offset INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, idempotency_key TEXT, payer TEXT, payee TEXT, facts INTEGER);"
   "CREATE INDEX jt ON journal(type, offset); CREATE INDEX jd ON journal(json_extract(payload,'$.room'),offset) WHERE type='danmaku';";
  CK(sqlite3_exec(db,schema,0,0,0));
  CK(sqlite3_exec(db, variant==3 ? "CREATE TABLE ledger_accounts(num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, asset TEXT NOT NULL, owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user','guild','system')), owner TEXT NOT NULL, balance INTEGER NOT NULL DEFAULT 0, pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits>=0), created_at INTEGER NOT NULL, CHECK (owner_kind='system' OR balance-pending_debits>=0)); CREATE INDEX ledger_accounts_owner ON ledger_accounts(owner_kind, owner);"
    : "CREATE TABLE ledger_accounts(id TEXT PRIMARY KEY, asset TEXT NOT NULL, owner_kind TEXT NOT NULL, owner TEXT NOT NULL, balance INTEGER NOT NULL DEFAULT 0, pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits>=0), created_at INTEGER NOT NULL, CHECK (owner_kind='system' OR balance-pending_debits>=0));",0,0,0));
  sqlite3_exec(db,"BEGIN",0,0,0);
  char buf[4096];
  // prefill journal with 200k rows so the index has depth
  sqlite3_stmt*ins; 
  CK(sqlite3_prepare_v2(db, variant==3
    ? "INSERT INTO journal(type,payload,created_at,gift_key,payer,payee) VALUES('gift',?,?,?,?,?)"
    : "INSERT INTO journal(type,payload,created_at,idempotency_key,payer,payee) VALUES('gift',?,?,?,?,?) ON CONFLICT DO NOTHING",-1,&ins,0));
  const char*payload="{\"balance_coins\":999999990,\"combo\":1,\"count\":1,\"gift_id\":\"rose\",\"gift_version\":1,\"guild_share\":0,\"ledger_time\":1764000000000123,\"platform_fee\":5,\"price_coins\":10,\"room_id\":\"r3\",\"send_id\":\"u-3-1234\",\"sender_id\":\"v3\",\"streamer_id\":\"s3\",\"streamer_revenue\":5,\"total_coins\":10,\"transfer_ids\":[\"gift:v3:u-3-1234:paid\",\"gift:v3:u-3-1234:fee\",\"gift:v3:u-3-1234:revenue\"]}";
  for(int i=0;i<senders;i++){snprintf(buf,sizeof buf,"INSERT INTO ledger_accounts(id,asset,owner_kind,owner,balance,pending_debits,created_at) VALUES('user:v%d:coins','coins','user','v%d',1000000000000,0,0)",i,i);CK(sqlite3_exec(db,buf,0,0,0));}
  for(int i=0;i<16;i++){snprintf(buf,sizeof buf,"INSERT INTO ledger_accounts(id,asset,owner_kind,owner,balance,pending_debits,created_at) VALUES('user:s%d:revenue','revenue','user','s%d',0,0,0)",i,i);CK(sqlite3_exec(db,buf,0,0,0));}
  CK(sqlite3_exec(db,"INSERT INTO ledger_accounts(id,asset,owner_kind,owner,balance,pending_debits,created_at) VALUES('system:gift_clearing:coins','coins','system','gc',0,0,0),('system:platform_fees:coins','coins','system','pf',0,0,0),('system:revenue_issuance:revenue','revenue','system','ri',0,0,0)",0,0,0));
  int pre=200000;
  for(int i=0;i<pre;i++){ int s=i%senders; char key[64],payer[32],payee[32]; snprintf(key,64,"gift:v%d:k-%08d",s,i/senders); snprintf(payer,32,"user:v%d:coins",s); snprintf(payee,32,"user:s%d:revenue",i%16);
    sqlite3_bind_text(ins,1,payload,-1,SQLITE_STATIC); sqlite3_bind_int64(ins,2,i); sqlite3_bind_text(ins,3,variant==0||variant==3?key:NULL,-1,SQLITE_TRANSIENT);
    if(variant==3){sqlite3_bind_int64(ins,4,s+1);sqlite3_bind_int64(ins,5,senders+i%16+1);} else {sqlite3_bind_text(ins,4,payer,-1,SQLITE_TRANSIENT);sqlite3_bind_text(ins,5,payee,-1,SQLITE_TRANSIENT);}
    CK(sqlite3_step(ins)); sqlite3_reset(ins);}
  if(variant==3) CK(sqlite3_exec(db,"INSERT INTO gift_keys SELECT gift_key, offset FROM journal ORDER BY gift_key",0,0,0));
  sqlite3_exec(db,"COMMIT",0,0,0); sqlite3_exec(db,"PRAGMA wal_checkpoint(TRUNCATE)",0,0,0);
  sqlite3_stmt*upd; CK(sqlite3_prepare_v2(db, variant==2||variant==3? "UPDATE ledger_accounts SET balance=? WHERE rowid=?":"UPDATE ledger_accounts SET balance=? WHERE id=?",-1,&upd,0));
  if(variant==3) return floor3(db,ins,upd,pre,batch,gifts,senders,payload);
  double t0=now(),c0=cpu(); double tc=0; long commits=0;
  int g=0; long bal=1000000000000LL;
  while(g<gifts){
    sqlite3_exec(db,"BEGIN IMMEDIATE",0,0,0);
    int touchedS[1024]; int nS=0; int touchedR[16]={0};
    for(int b=0;b<batch&&g<gifts;b++,g++){ int s=g%senders; int n=pre/senders+g/senders; char key[64],payer[32],payee[32]; snprintf(key,64,"gift:v%d:k-%08d",s,n); snprintf(payer,32,"user:v%d:coins",s); snprintf(payee,32,"user:s%d:revenue",g%16);
      sqlite3_bind_text(ins,1,payload,-1,SQLITE_STATIC); sqlite3_bind_int64(ins,2,g); sqlite3_bind_text(ins,3,variant==0?key:NULL,-1,SQLITE_TRANSIENT); sqlite3_bind_text(ins,4,payer,-1,SQLITE_TRANSIENT);sqlite3_bind_text(ins,5,payee,-1,SQLITE_TRANSIENT); CK(sqlite3_step(ins)); sqlite3_reset(ins);
      touchedS[nS++]=s; touchedR[g%16]=1; }
    for(int i=0;i<nS;i++){ if(variant==2){sqlite3_bind_int64(upd,2,touchedS[i]+1);} else {char id[32];snprintf(id,32,"user:v%d:coins",touchedS[i]); sqlite3_bind_text(upd,2,id,-1,SQLITE_TRANSIENT);} sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    for(int i=0;i<16;i++) if(touchedR[i]){ if(variant==2){sqlite3_bind_int64(upd,2,senders+i+1);} else {char id[32];snprintf(id,32,"user:s%d:revenue",i); sqlite3_bind_text(upd,2,id,-1,SQLITE_TRANSIENT);} sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    for(int i=0;i<3;i++){ if(variant==2){sqlite3_bind_int64(upd,2,senders+16+i+1);} else {const char*ids[]={"system:gift_clearing:coins","system:platform_fees:coins","system:revenue_issuance:revenue"}; sqlite3_bind_text(upd,2,ids[i],-1,SQLITE_STATIC);} sqlite3_bind_int64(upd,1,bal--); CK(sqlite3_step(upd)); sqlite3_reset(upd);}
    double a=now(); CK(sqlite3_exec(db,"COMMIT",0,0,0)); tc+=now()-a; commits++;
    if(commits%200==0) sqlite3_exec(db,"PRAGMA wal_checkpoint(PASSIVE)",0,0,0);
  }
  double el=now()-t0, cp=cpu()-c0;
  printf("variant %d batch %d: %.0f gifts/s, CPU %.1f us/gift, COMMIT %.3f ms (%.1f us/gift)\n",variant,batch,gifts/el,cp/gifts*1e6,tc/commits*1e3,tc/gifts*1e6);
  return 0;
}
