-- The SQLite schema of Narrate 0.1 (commit f30db0e), for the upgrade test.
CREATE TABLE feeds (
	id INTEGER NOT NULL, 
	slug VARCHAR(64) NOT NULL, 
	title TEXT NOT NULL, 
	description TEXT NOT NULL, 
	author TEXT NOT NULL, 
	owner_name TEXT NOT NULL, 
	owner_email TEXT NOT NULL, 
	language VARCHAR(35) NOT NULL, 
	category TEXT NOT NULL, 
	explicit BOOLEAN NOT NULL, 
	link TEXT, 
	image_url TEXT, 
	image_key TEXT, 
	image_mime VARCHAR(32), 
	token VARCHAR(64), 
	podcast_guid VARCHAR(36) NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (slug)
);
CREATE TABLE jobs (
	id VARCHAR(32) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	idempotency_key VARCHAR(255), 
	request_hash VARCHAR(64) NOT NULL, 
	request JSON NOT NULL, 
	created_at FLOAT NOT NULL, 
	started_at FLOAT, 
	finished_at FLOAT, 
	chunks_total INTEGER NOT NULL, 
	chunks_done INTEGER NOT NULL, 
	chunks_cached INTEGER NOT NULL, 
	synthesis_seconds FLOAT NOT NULL, 
	error TEXT, 
	result JSON, 
	webhook_attempts INTEGER NOT NULL, 
	webhook_error TEXT, 
	webhook_delivered_at FLOAT, 
	finishing_by VARCHAR(64), 
	finishing_at FLOAT, 
	PRIMARY KEY (id), 
	UNIQUE (idempotency_key)
);
CREATE INDEX ix_jobs_status ON jobs (status);
CREATE TABLE feed_episodes (
	id VARCHAR(32) NOT NULL, 
	feed_id INTEGER NOT NULL, 
	job_id VARCHAR(32) NOT NULL, 
	guid VARCHAR(64) NOT NULL, 
	title TEXT NOT NULL, 
	description TEXT NOT NULL, 
	published_at FLOAT NOT NULL, 
	audio_size INTEGER NOT NULL, 
	audio_mime VARCHAR(32) NOT NULL, 
	duration FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (feed_id, job_id), 
	FOREIGN KEY(feed_id) REFERENCES feeds (id) ON DELETE CASCADE, 
	FOREIGN KEY(job_id) REFERENCES jobs (id) ON DELETE CASCADE, 
	UNIQUE (guid)
);
CREATE INDEX ix_feed_episodes_feed_id ON feed_episodes (feed_id);
CREATE INDEX ix_feed_episodes_job_id ON feed_episodes (job_id);
CREATE TABLE job_chunks (
	job_id VARCHAR(32) NOT NULL, 
	idx INTEGER NOT NULL, 
	cache_key VARCHAR(64) NOT NULL, 
	sentences JSON NOT NULL, 
	done BOOLEAN NOT NULL, 
	cached BOOLEAN NOT NULL, 
	seconds FLOAT NOT NULL, 
	PRIMARY KEY (job_id, idx), 
	FOREIGN KEY(job_id) REFERENCES jobs (id) ON DELETE CASCADE
);
