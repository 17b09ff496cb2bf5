/* The SQL floor of a gift send's write, with and without a unique index on the gift's key.
 *
 * Per gift one journal row (the receipt as payload, the key, payer and payee); per commit
 * one UPDATE per touched balance; WAL, synchronous=FULL; 64 senders' keys interleaved as
 * concurrent senders interleave them; 200,000 rows already in the journal.
 *   variant 0: the key under the journal's UNIQUE index (the send before migration v19)
 *   variant 1: the key in a column no index covers (v19: indexed off the send path)
 *   variant 2: variant 1, balances updated by rowid instead of by their text key
 *
 * Build and run (a scratch file; nothing else running):
 *   gcc -O2 benchmarks/money/gift_key_floor.c -o /tmp/gift_key_floor -lsqlite3
 *   for v in 0 1 2; do /tmp/gift_key_floor /tmp/floor.db $v 32 40000; done
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
int main(int argc,char**argv){
  const char*path=argv[1]; int variant=atoi(argv[2]); int batch=atoi(argv[3]); int gifts=atoi(argv[4]); int senders=argc>5?atoi(argv[5]):64;
  sqlite3*db; remove(path); char wal[256]; snprintf(wal,256,"%s-wal",path); remove(wal);
  CK(sqlite3_open(path,&db));
  sqlite3_exec(db,"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;",0,0,0);
  const char*schema = variant==0 ?
   "CREATE TABLE journal(offset INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, idempotency_key TEXT UNIQUE, payer TEXT, payee TEXT, facts INTEGER);"
   "CREATE INDEX jt ON journal(type, offset); CREATE INDEX jd ON journal(json_extract(payload,'$.room'),offset) WHERE type='danmaku';"
   : "CREATE TABLE journal(offset INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, idempotency_key TEXT, payer TEXT, payee TEXT, facts INTEGER);"
   "CREATE INDEX jt ON journal(type, offset); CREATE INDEX jd ON journal(json_extract(payload,'$.room'),offset) WHERE type='danmaku';";
  CK(sqlite3_exec(db,schema,0,0,0));
  CK(sqlite3_exec(db,"CREATE TABLE ledger_accounts(id TEXT PRIMARY KEY, asset TEXT NOT NULL, owner_kind TEXT NOT NULL, owner TEXT NOT NULL, balance INTEGER NOT NULL DEFAULT 0, pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits>=0), created_at INTEGER NOT NULL, CHECK (owner_kind='system' OR balance-pending_debits>=0));",0,0,0));
  sqlite3_exec(db,"BEGIN",0,0,0);
  char buf[4096];
  // prefill journal with 200k rows so the index has depth
  sqlite3_stmt*ins; 
  CK(sqlite3_prepare_v2(db,"INSERT INTO journal(type,payload,created_at,idempotency_key,payer,payee) VALUES('gift',?,?,?,?,?) ON CONFLICT DO NOTHING",-1,&ins,0));
  const char*payload="{\"balance_coins\":999999990,\"combo\":1,\"count\":1,\"gift_id\":\"rose\",\"gift_version\":1,\"guild_share\":0,\"ledger_time\":1764000000000123,\"platform_fee\":5,\"price_coins\":10,\"room_id\":\"r3\",\"send_id\":\"u-3-1234\",\"sender_id\":\"v3\",\"streamer_id\":\"s3\",\"streamer_revenue\":5,\"total_coins\":10,\"transfer_ids\":[\"gift:v3:u-3-1234:paid\",\"gift:v3:u-3-1234:fee\",\"gift:v3:u-3-1234:revenue\"]}";
  for(int i=0;i<senders;i++){snprintf(buf,sizeof buf,"INSERT INTO ledger_accounts VALUES('user:v%d:coins','coins','user','v%d',1000000000000,0,0)",i,i);CK(sqlite3_exec(db,buf,0,0,0));}
  for(int i=0;i<16;i++){snprintf(buf,sizeof buf,"INSERT INTO ledger_accounts VALUES('user:s%d:revenue','revenue','user','s%d',0,0,0)",i,i);CK(sqlite3_exec(db,buf,0,0,0));}
  CK(sqlite3_exec(db,"INSERT INTO ledger_accounts VALUES('system:gift_clearing:coins','coins','system','gc',0,0,0),('system:platform_fees:coins','coins','system','pf',0,0,0),('system:revenue_issuance:revenue','revenue','system','ri',0,0,0)",0,0,0));
  int pre=200000;
  for(int i=0;i<pre;i++){ int s=i%senders; char key[64],payer[32],payee[32]; snprintf(key,64,"gift:v%d:k-%08d",s,i/senders); snprintf(payer,32,"user:v%d:coins",s); snprintf(payee,32,"user:s%d:revenue",i%16);
    sqlite3_bind_text(ins,1,payload,-1,SQLITE_STATIC); sqlite3_bind_int64(ins,2,i); sqlite3_bind_text(ins,3,variant==0?key:NULL,-1,SQLITE_TRANSIENT); sqlite3_bind_text(ins,4,payer,-1,SQLITE_TRANSIENT);sqlite3_bind_text(ins,5,payee,-1,SQLITE_TRANSIENT); CK(sqlite3_step(ins)); sqlite3_reset(ins);}
  sqlite3_exec(db,"COMMIT",0,0,0); sqlite3_exec(db,"PRAGMA wal_checkpoint(TRUNCATE)",0,0,0);
  sqlite3_stmt*upd; CK(sqlite3_prepare_v2(db, variant==2? "UPDATE ledger_accounts SET balance=? WHERE rowid=?":"UPDATE ledger_accounts SET balance=? WHERE id=?",-1,&upd,0));
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
