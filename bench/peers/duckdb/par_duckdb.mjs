// bench/peers/duckdb/par_duckdb.mjs — PAR30 of a programme by SQL in
// DuckDB (the npm package @duckdb/node-api), for bench/peers/par_peers.py.
//
//   node par_duckdb.mjs DIR AS_OF THREADS
//
// Reads DIR/loans.csv, DIR/installments.csv and DIR/events.csv straight
// with read_csv (explicit column types; amounts as DECIMAL(18,2), so every
// sum is exact) and prints one JSON line: loans, active, gross portfolio
// and PAR30 (amounts as exact decimal strings), and the query's own time.
// The SQL is the same as par_peers.py's sqlite3 SQL, in DuckDB's dialect;
// par_peers.py explains the rules it implements.
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, asOf, threads] = process.argv.slice(2);
if (!dir || !/^\d{4}-\d{2}-\d{2}$/.test(asOf ?? '') || !/^\d+$/.test(threads ?? '')) {
  console.error('usage: node par_duckdb.mjs DIR YYYY-MM-DD THREADS');
  process.exit(2);
}
const quoted = (path) => `'${path.replaceAll("'", "''")}'`;
const file = (name) => quoted(`${dir}/${name}`);
const AS_OF = `DATE '${asOf}'`;

const sql = `
WITH
loans AS (
  SELECT loan_id, disbursed_on FROM read_csv(${file('loans.csv')},
    header = true, auto_detect = false,
    columns = {'loan_id': 'VARCHAR', 'principal': 'DECIMAL(18,2)',
               'rate': 'VARCHAR', 'term': 'INTEGER', 'frequency': 'VARCHAR',
               'method': 'VARCHAR', 'interest': 'VARCHAR',
               'disbursed_on': 'DATE'})),
installments AS (
  SELECT * FROM read_csv(${file('installments.csv')},
    header = true, auto_detect = false,
    columns = {'loan_id': 'VARCHAR', 'n': 'INTEGER', 'due_date': 'DATE',
               'principal': 'DECIMAL(18,2)', 'interest': 'DECIMAL(18,2)',
               'total': 'DECIMAL(18,2)'})),
events AS (
  SELECT * FROM read_csv(${file('events.csv')},
    header = true, auto_detect = false,
    columns = {'loan_id': 'VARCHAR', 'date': 'DATE', 'type': 'VARCHAR',
               'amount': 'DECIMAL(18,2)', 'ref': 'VARCHAR'})),
-- Money each loan received up to the as-of date.
repaid AS (
  SELECT loan_id, SUM(amount) AS repaid FROM events
  WHERE type = 'repayment' AND date <= ${AS_OF}
  GROUP BY loan_id),
-- Oldest first: installment n gets what is left after installments 1..n-1,
-- at most its total; within it interest first, then principal.
allocated AS (
  SELECT i.loan_id, i.due_date, i.principal, i.interest, i.total,
         LEAST(GREATEST(COALESCE(r.repaid, 0)
                        - (SUM(i.total) OVER (PARTITION BY i.loan_id ORDER BY i.n
                                              ROWS UNBOUNDED PRECEDING) - i.total),
                        0), i.total) AS paid
  FROM installments i LEFT JOIN repaid r ON r.loan_id = i.loan_id),
per_loan AS (
  SELECT loan_id,
         SUM(principal - LEAST(GREATEST(paid - interest, 0), principal)) AS outstanding,
         MIN(due_date) FILTER (WHERE paid < total AND due_date < ${AS_OF}) AS oldest_overdue,
         BOOL_OR(paid < total) AS open
  FROM allocated GROUP BY loan_id),
active AS (
  SELECT p.* FROM per_loan p JOIN loans l ON l.loan_id = p.loan_id
  WHERE p.open AND l.disbursed_on <= ${AS_OF})
SELECT (SELECT COUNT(*) FROM loans) AS loans,
       COUNT(*) AS active,
       CAST(COALESCE(SUM(outstanding), 0) AS VARCHAR) AS gross_portfolio,
       CAST(COALESCE(SUM(outstanding) FILTER (
              WHERE date_diff('day', oldest_overdue, ${AS_OF}) > 30), 0)
            AS VARCHAR) AS par30
FROM active`;

const instance = await DuckDBInstance.create(':memory:', { threads });
const connection = await instance.connect();
const start = process.hrtime.bigint();
const reader = await connection.runAndReadAll(sql);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const [row] = reader.getRowObjectsJson();
console.log(JSON.stringify({ ...row, query_seconds: seconds }));
