-- Role C on role E's register: a risk can carry a scenario (the model file's scenario without
-- its name, as JSON) and the expected annual loss the engine worked out for it when it was
-- saved, which the quantitative criterion compares with its threshold.
ALTER TABLE risks ADD COLUMN scenario TEXT;
ALTER TABLE risks ADD COLUMN expected_loss_yen BIGINT;
