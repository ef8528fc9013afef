-- 004: which device may continue a participant by `join`.
--
-- device_hash: SHA-256 (hex) of the device key the player page keeps in
-- localStorage and sends with join and resume; a join with a known employee
-- number and name continues the participant only from that device.
-- released: the organizer let the next such join continue it from another
-- device (host command `release`); that join clears it.
ALTER TABLE participants
    ADD COLUMN device_hash text,
    ADD COLUMN released boolean NOT NULL DEFAULT false;
