CREATE TABLE IF NOT EXISTS posts (
  id serial PRIMARY KEY,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO posts (title) VALUES
  ('Hello, perfgate'),
  ('Budgets belong in the repository'),
  ('Tails matter more than means'),
  ('Same runner, interleaved, paired'),
  ('A QPS figure needs its concurrency');
